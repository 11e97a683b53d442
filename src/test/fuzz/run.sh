#!/usr/bin/env bash
# Fuzzes every Jazzer target (the @FuzzTest methods under src/test/java), one at a time for the time its
# annotation bounds (5 to 10 s; for longer runs raise maxDuration): Jazzer fuzzes one target per JVM. A finding
# fails the run and leaves its input under src/test/resources/<package>/<Class>Inputs/<method>/crash-*: fix the
# cause, rename the file to say what it is, and it stays in the seed corpus, replayed by every `./mvnw test`.
# Usage: src/test/fuzz/run.sh [Class ...]   Environment: JAVA_HOME (Temurin 25), MAVEN_ARGS (e.g. -o).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(grep -rl '@FuzzTest' src/test/java | xargs -n1 basename | sed 's/\.java$//' | sort)
fi
failed=()
for t in "${targets[@]}"; do
  start=$(date +%s)
  # shellcheck disable=SC2086 # MAVEN_ARGS is a list of options
  if JAZZER_FUZZ=1 ./mvnw -B -ntp -q ${MAVEN_ARGS:-} test -Dtest="$t" -Dsurefire.failIfNoSpecifiedTests=false \
       >"target/fuzz-$t.log" 2>&1; then
    echo "fuzz: $t: $(grep -aoE 'Done [0-9]+ runs in [0-9]+ second' "target/fuzz-$t.log" | tail -n 1 | sed 's/ second/ s/'), no finding ($(( $(date +%s) - start )) s)"
  else
    echo "fuzz: $t: FAILED, see target/fuzz-$t.log:"
    grep -aE 'FuzzTestFindingException|Caused by|Test unit written' "target/fuzz-$t.log" | head -n 5
    failed+=("$t")
  fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: findings in ${failed[*]}"; exit 1; }
echo "fuzz: OK"
