#!/usr/bin/env bash
# FleetCA benchmark against its peers, in one invocation on one machine (issue 10).
#
# Builds FleetCA, starts it as in production (java -Xmx1g -jar target/quarkus-app/quarkus-run.jar,
# a fresh PostgreSQL database, a fresh SoftHSM2 token, fleetca.keys.provider=pkcs11, bootstrap on),
# measures it with wrk (one thread, on the same cores), then measures the peers with the scripts in
# $PEERS, and prints one table (path | FleetCA | peer | ratio), also written as markdown to
# target/benchmark/results.md. Figures:
#   - the load client's ceiling: wrk against a trivial FleetCA answer (GET of an unknown path, 404);
#   - REST enrollment at $CONNS and 1 connections (fresh P-256 key, CSR and one-time RS256 station
#     token per request, profile operational; $PEERS/fleetca-load/mint.py + enroll.lua) vs
#     step-ca /1.0/sign ($PEERS/bench-sign.sh stepca): rps, p50, p99, server CPU ms per certificate;
#   - OCSP POST without nonce vs cfssl ocspserve, OCSP POST with nonce vs `openssl ocsp -multi 2`
#     ($PEERS/bench-ocsp.sh), at $CONNS connections; FleetCA's requests ask about $OCSP_CERTS
#     certificates it issued in this run (every 5th revoked, like the peers' 20 %), SHA-1 CertIDs;
#   - a CRL of $CRL_ENTRIES revoked certificates (rows seeded with SQL into the ledger, which is all
#     CRLs read): FleetCA's build + sign + store vs `openssl ca -gencrl` ($PEERS/bench-crl.sh);
#   - start-to-ready on a restart with existing CAs, without and with a Java 25 AOT cache (training
#     run with -XX:AOTCacheOutput, then -XX:AOTCache), and RSS after the enrollment runs.
# The server's CPU per request comes from /proc/<pid>/stat before and after each run, as the peers'
# run-wrk.sh does; for enrollment, PostgreSQL's CPU per certificate too (all its processes, from /proc).
# Ratios are FleetCA / peer for rates and peer / FleetCA for times, so >= 1 means FleetCA is at least as good.
#
# Peers: PEERS (default /work/shared/peers, i.e. ../shared/peers next to the repository's
# worktrees) holds the peer scripts; they are called, never copied. Their data goes to PEERS_DIR
# (default /tmp/peers) and is set up once if missing; their results of this run go to
# target/benchmark/peers/. Missing tools (wrk, hyperfine, cfssl, go, ...) are installed with
# $PEERS/00-install.sh (Debian packages, needs root).
#
# Usage: src/test/benchmark/run.sh
# Environment (defaults keep the run near 10 minutes on a 2-core machine, after the build):
#   DURATION (15)        seconds per measured wrk run (FleetCA and peers)
#   CONNS (64)           connections of the concurrent runs (the single-connection run is always 1)
#   WARMUP (5)           seconds of unmeasured load before FleetCA's OCSP runs
#   ENROLL_WARMUP (150)  seconds of unmeasured enrollment load first: the JIT compiles the enrollment path
#                        (Hibernate, the PostgreSQL driver, BouncyCastle) for 80 to 90 s of load on 2 cores
#                        (`jstat -compiler` every 10 s: 11,606 methods and 27 s of compiler time at 10 s, 16,050
#                        and 81 s at 80 s, then a few a second), and a production server has long been past that;
#                        a shorter warm-up measures the compiler (the per-thread split after each run shows it)
#   C1_WARMUP (20)       seconds of unmeasured single-connection enrollment before that run (the compiler
#                        recompiles part of the path when the concurrency drops)
#   OCSP_CERTS (300)     devices enrolled first, asked about by the OCSP runs
#   CRL_ENTRIES (1000000) revoked certificates in the CRL run
#   RESTARTS (3)         starts per variant for start-to-ready (median printed)
#   BENCH_XMX (1g)       FleetCA's -Xmx
#   BENCH_JAVA_OPTS ("") extra JVM options for every FleetCA start (e.g. -XX:StartFlightRecording=...)
#   BENCH_PORT (8095), BENCH_EST_PORT (18453)   FleetCA's HTTP and EST ports (loopback)
#   STEPS ("ceiling enroll ocsp restart crl peers")  parts to run (for short validation runs)
#   SKIP_BUILD (0)       1 = use the existing target/quarkus-app
#   MVN_LOCK             if set, the Maven build runs under `flock $MVN_LOCK` (shared build machines)
#   MVN_ARGS ("-B -ntp -q")  extra Maven arguments (e.g. add -o)
#   JAVA_HOME (Temurin 25), PEERS, PEERS_DIR
# Needs PostgreSQL on 127.0.0.1:5432 with role fleetca (what .ci/run sets up), softhsm2, openssl,
# curl, python3 with cryptography. Every loop is bounded in count and time; every server binds to
# 127.0.0.1; every process started here is stopped on exit, also on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PEERS=${PEERS:-/work/shared/peers}
export PEERS_DIR=${PEERS_DIR:-/tmp/peers}
DURATION=${DURATION:-15}
CONNS=${CONNS:-64}
WARMUP=${WARMUP:-5}
ENROLL_WARMUP=${ENROLL_WARMUP:-150}
C1_WARMUP=${C1_WARMUP:-20}
OCSP_CERTS=${OCSP_CERTS:-300}
CRL_ENTRIES=${CRL_ENTRIES:-1000000}
RESTARTS=${RESTARTS:-3}
XMX=${BENCH_XMX:-1g}
port=${BENCH_PORT:-8095}
est_port=${BENCH_EST_PORT:-18453}
STEPS=" ${STEPS:-ceiling enroll ocsp restart crl peers} "
base="http://127.0.0.1:$port"
out=$root/target/benchmark
rm -rf "$out"; mkdir -p "$out/peers" "$out/logs"
export RESULTS=$out/peers          # the peer scripts write their results of this run here
work=$(mktemp -d /tmp/fleetca-bench.XXXXXX)
db="fleetca_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
jsonl=$out/fleetca.jsonl; : >"$jsonl"
HZ=$(getconf CLK_TCK)
fpid="" sampler="" starts=0

log() { echo "[$(date -u +%H:%M:%S)] bench: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }
has() { [[ "$STEPS" == *" $1 "* ]]; }
now_ms() { date +%s%3N; }
sql() { psql -h 127.0.0.1 -U fleetca -d "$db" -v ON_ERROR_STOP=1 -qtAX "$@"; }

stop_fleetca() {
  [ -n "$fpid" ] || return 0
  kill "$fpid" 2>/dev/null || true
  for _ in $(seq 1 1200); do kill -0 "$fpid" 2>/dev/null || break; sleep 0.1; done   # AOT dump on exit
  kill -9 "$fpid" 2>/dev/null || true
  wait "$fpid" 2>/dev/null || true
  fpid=""
}
cleanup() {
  local rc=$?
  [ -n "$sampler" ] && { kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; }
  stop_fleetca
  "$PEERS/start-peers.sh" stop-all >/dev/null 2>&1 || true
  psql -h 127.0.0.1 -U fleetca -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
  [ "$rc" -eq 0 ] || log "exit $rc; FleetCA logs in $out/logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- prerequisites and peers set-up
need=()
for t in wrk hyperfine jq cfssl go bc sqlite3; do command -v "$t" >/dev/null || need+=("$t"); done
if [ ${#need[@]} -gt 0 ]; then
  log "missing ${need[*]}: running $PEERS/00-install.sh"
  [ "$(id -u)" -eq 0 ] || die "$PEERS/00-install.sh needs root"
  "$PEERS/00-install.sh" >"$out/logs/peers-install.log" 2>&1 || die "peer install failed ($out/logs/peers-install.log)"
fi
python3 -c 'import cryptography' 2>/dev/null || die "python3 cryptography is needed by $PEERS/fleetca-load/mint.py (apt-get install python3-cryptography)"
pg_isready -h 127.0.0.1 -p 5432 -q || die "PostgreSQL is not up on 127.0.0.1:5432 (see .ci/run)"
if has peers || has crl; then
  { [ -s "$PEERS_DIR/csrs/02000.csr" ] || "$PEERS/gen-csrs.sh" 2000
    [ -s "$PEERS_DIR/cfssl/ocsp/requests.list" ] || { "$PEERS/cfssl-setup.sh" && "$PEERS/cfssl-ocsp-prepare.sh"; }
    [ -s "$PEERS_DIR/openssl/reqs.list" ] || "$PEERS/openssl-setup.sh"
    [ -x "$PEERS_DIR/stepca/step-ca" ] || "$PEERS/stepca-setup.sh"
  } >"$out/logs/peers-setup.log" 2>&1 || die "peer set-up failed ($out/logs/peers-setup.log)"
fi

up_start=$(uptime)
log "start: $up_start"

# ---------------------------------------------------------------- build and start FleetCA
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building (mvnw package -DskipTests)"
  lock=(); [ -n "${MVN_LOCK:-}" ] && lock=(flock "$MVN_LOCK")
  # shellcheck disable=SC2086
  "${lock[@]}" ./mvnw ${MVN_ARGS:--B -ntp -q} package -DskipTests >"$out/logs/build.log" 2>&1 \
    || { tail -30 "$out/logs/build.log"; die "build failed"; }
fi
[ -f target/quarkus-app/quarkus-run.jar ] || die "no target/quarkus-app/quarkus-run.jar"
psql -h 127.0.0.1 -U fleetca -d postgres -qc "CREATE DATABASE $db"
provisioning-scripts/init-softhsm-token.sh "$work/hsm" fleetca-bench >/dev/null
provisioning-scripts/make-admin-jwks.sh "$work/admin.key" "$work/admin-jwks.json" >/dev/null 2>&1

# start_fleetca [JVM options...]: starts FleetCA, waits for /q/health/ready; sets fpid and ready_ms. wrk is one
# source on loopback: the per-source limits (fleetca.limits.*) are lifted for it, so what is measured is the
# instance (its nonce signing budget included), not one address's share.
start_fleetca() {
  starts=$((starts + 1))
  local logf=$out/logs/fleetca-$starts.log t0
  t0=$(now_ms)
  SOFTHSM2_CONF="$work/hsm/softhsm2.conf" "$JAVA_HOME/bin/java" -Xmx"$XMX" ${BENCH_JAVA_OPTS:-} "$@" \
    -Dquarkus.http.port="$port" -Dquarkus.http.host=127.0.0.1 \
    -Dfleetca.est.port="$est_port" -Dfleetca.est.host=127.0.0.1 \
    -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$db" -Dquarkus.datasource.username=fleetca \
    -Dfleetca.keys.provider=pkcs11 -Dfleetca.keys.pkcs11.config="$work/hsm/sunpkcs11.cfg" \
    -Dfleetca.keys.pkcs11.pin-file="$work/hsm/user.pin" -Dfleetca.bootstrap.enabled=true \
    -Dfleetca.public-url="$base" -Dfleetca.auth.admin-jwks="$work/admin-jwks.json" \
    -Dfleetca.crl.publish-delay=PT4S -Dfleetca.limits.exempt-sources=127.0.0.1 \
    -jar target/quarkus-app/quarkus-run.jar >"$logf" 2>&1 &
  fpid=$!
  for _ in $(seq 1 3000); do   # at most ~120 s
    curl -fs -o /dev/null --max-time 1 "$base/q/health/ready" && break
    kill -0 "$fpid" 2>/dev/null || { tail -40 "$logf"; fpid=""; die "FleetCA exited during start-up"; }
    sleep 0.02
  done
  ready_ms=$(( $(now_ms) - t0 ))
  curl -fs -o /dev/null "$base/q/health/ready" || { tail -40 "$logf"; die "FleetCA not ready after 120 s"; }
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$fpid/stat"; }
# pg_ticks: CPU ticks of every PostgreSQL process (backends, WAL writer, checkpointer; a backend that exited counts
# in its postmaster's children's time), for the database's share of a run's cost. PostgreSQL serves other databases
# too: on a machine where something else uses it meanwhile, this figure includes that.
pg_ticks() {
  local p t=0 v
  for p in $(pgrep -x postgres || true); do
    v=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null) && t=$((t + v))
  done
  echo "$t"
}
# thread_ticks: "id group ticks" per thread of FleetCA, the group being the thread's name without its number
# (executor-thread-7 -> executor-thread), so a run's CPU can be split by role (request work, event loops,
# JIT compilers, GC, the audit sealer).
thread_ticks() {
  local t comm
  for t in /proc/"$fpid"/task/*; do
    { read -r comm <"$t/comm" && awk -v id="${t##*/}" -v n="$comm" '{gsub(/[-#]?[0-9]+$/, "", n); gsub(/ /, "_", n); print id, n, $14 + $15}' "$t/stat"; } 2>/dev/null || true
  done
}
# thread_split BEFORE AFTER REQUESTS: the CPU of a run by thread group, in ms per request, largest first
# (per thread id: a pool thread started during the run counts from zero; one that ended is not seen).
thread_split() {
  awk -v hz="$HZ" -v n="$3" 'FNR == NR {b[$1] = $3; next} {d = $3 - b[$1]; if (d > 0) a[$2] += d}
    END {for (g in a) if (n > 0) printf "%s %.3f\n", g, 1000 * a[g] / hz / n}' "$1" "$2" \
    | sort -k2 -rn | head -8 | awk '{printf "%s%s %s ms", (NR > 1 ? ", " : ""), $1, $2} END {print ""}'
}
rss_mib() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$fpid/status"; }

# wrk_run LABEL CONNECTIONS SECONDS LUA: one bounded wrk run (1 thread) against FleetCA with a peers
# lua script (its WRK_* variables come from the caller's environment); appends the RESULT line plus
# the server's CPU seconds to $jsonl.
wrk_run() {
  local label=$1 c=$2 secs=$3 lua=$4 raw=$out/logs/wrk-$1.txt t0 t1 line
  t0=$(cpu_ticks); p0=$(pg_ticks); thread_ticks >"$out/logs/threads-$label.before"
  WRK_NTHREADS=1 WRK_LABEL=$label timeout $((secs + 60)) \
    wrk -t1 -c"$c" -d"${secs}s" --timeout 10s --latency -s "$lua" "$base" >"$raw" 2>&1 || true
  t1=$(cpu_ticks); p1=$(pg_ticks); thread_ticks >"$out/logs/threads-$label.after"
  line=$(grep -a '^RESULT ' "$raw" | sed 's/^RESULT //') || { tail -5 "$raw"; die "wrk run $label gave no result"; }
  log "$label: CPU per request by thread: $(thread_split "$out/logs/threads-$label.before" "$out/logs/threads-$label.after" \
    "$(jq -r '.good // .requests // 0' <<<"$line")")"
  jq -c --argjson c "$c" --argjson cpu "$(echo "scale=3; ($t1 - $t0) / $HZ" | bc)" \
    --argjson pg "$(echo "scale=3; ($p1 - $p0) / $HZ" | bc | sed 's/^\./0./')" \
    '. + {conc: $c, server_cpu_s: $cpu, pg_cpu_s: $pg}' <<<"$line" | tee -a "$jsonl" >&2
  grep -m3 '^bad response' "$raw" >&2 || true
}
get() { jq -r --arg l "$1" "select(.label == \$l) | $2" "$jsonl" | tail -1; }

log "starting FleetCA on $base"
start_fleetca
log "FleetCA pid $fpid ready after $ready_ms ms (first start: bootstrap of the CA hierarchy)"
ca=dev-issuing
curl -fs "$base/api/v1/cas/$ca/certificate" -o "$work/issuer.der" || die "no issuing CA $ca"
openssl x509 -inform DER -in "$work/issuer.der" -out "$work/issuer.pem"

# ---------------------------------------------------------------- 1. the load client's ceiling
ceiling_rps="" ceiling_p99=""
if has ceiling; then
  log "load client ceiling: wrk, $CONNS connections, GET of an unknown path (404), $WARMUP s warm-up, $DURATION s"
  timeout $((WARMUP + 30)) wrk -t1 -c"$CONNS" -d"${WARMUP}s" "$base/bench-ceiling" >/dev/null 2>&1 || true
  timeout $((DURATION + 30)) wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "$base/bench-ceiling" >"$out/logs/wrk-ceiling.txt" 2>&1 || true
  ceiling_rps=$(awk '/^Requests\/sec/ {printf "%d", $2}' "$out/logs/wrk-ceiling.txt")
  ceiling_p99=$(awk '$1 == "99%" {print $2}' "$out/logs/wrk-ceiling.txt")
  log "ceiling: $ceiling_rps req/s, p99 $ceiling_p99"
fi

# ---------------------------------------------------------------- stations and enrollment tokens
openssl genrsa -out "$work/station-rsa.key" 2048 2>/dev/null
station_jwk=$(python3 - "$work/station-rsa.key" <<'PY'
import base64, json, sys
from cryptography.hazmat.primitives import serialization
n = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None).public_key().public_numbers()
b = lambda i: base64.urlsafe_b64encode(i.to_bytes((i.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()
print(json.dumps({"kty": "RSA", "n": b(n.n), "e": b(n.e)}))
PY
)
admin() { provisioning-scripts/admin-token.sh "$work/admin.key" admin bench; }
# station PREFIX: registers a station for devices PREFIX-NNNNNN (its own hourly budget) and prints its id.
station() {
  curl -fs "$base/api/v1/stations" -H "Authorization: Bearer $(admin)" -H 'Content-Type: application/json' \
    -d "{\"name\":\"bench-$1\",\"publicKey\":$station_jwk,\"profiles\":[\"operational\"],
         \"deviceIdPattern\":\"$1-[0-9]{6,7}\",\"maxEnrollmentsPerHour\":100000}" | jq -r .id
}
# mint PREFIX N FILE: N one-time enrollments (fresh key, CSR, token) for a new station, in two processes.
mint() {
  local sid half; sid=$(station "$1"); [ -n "$sid" ] && [ "$sid" != null ] || die "station $1 not registered"
  half=$(( ($2 + 1) / 2 ))
  python3 "$PEERS/fleetca-load/mint.py" "$sid" "$work/station-rsa.key" "$half" "$1" 1 "$3.a" &
  local m=$!
  python3 "$PEERS/fleetca-load/mint.py" "$sid" "$work/station-rsa.key" $(( $2 - half )) "$1" $((half + 1)) "$3.b"
  wait "$m"
  cat "$3.a" "$3.b" >"$3"; rm -f "$3.a" "$3.b"
  echo "$sid"
}
enroll_lua=$PEERS/fleetca-load/enroll.lua
bodies_lua=$PEERS/bodies.lua

# ---------------------------------------------------------------- 2. devices for OCSP
ocsp_n=() ocsp_w=()
if has ocsp || has enroll; then
  log "enrolling $OCSP_CERTS devices (8 connections) for the OCSP runs"
  seed_sid=$(mint SEED "$OCSP_CERTS" "$work/seed.tsv")
  # curl, 8 at a time (wrk waits out its whole duration once one-time tokens run out)
  split -n l/8 "$work/seed.tsv" "$work/seed.part."
  loops=()
  for part in "$work"/seed.part.*; do
    while IFS=$'\t' read -r path token body; do
      curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' -d "$body" "$base$path"
    done <"$part" >"$part.codes" &
    loops+=($!)
  done
  wait "${loops[@]}"   # not a bare wait: FleetCA is a child of this shell too
  seeded=$(cat "$work"/seed.part.*.codes | grep -c '^201$' || true)
  log "$seeded of $OCSP_CERTS enrollments answered 201"
  [ "$seeded" -gt 0 ] || die "no enrollment succeeded: $(sort "$work"/seed.part.*.codes | uniq -c | tr '\n' ' ')"
  sql -c "SELECT serial FROM certificate WHERE station_id = '$seed_sid' AND status = 'ISSUED' ORDER BY serial" >"$work/serials.txt"
  revoke=$(awk 'NR % 5 == 0' "$work/serials.txt" | jq -R . | jq -sc .)
  curl -fs "$base/api/v1/revocations" -H "Authorization: Bearer $(admin)" -H 'Content-Type: application/json' \
    -d "{\"reason\":\"keyCompromise\",\"serials\":$revoke}" | jq -c '{revoked}' >&2
  mkdir -p "$work/ocsp"
  i=0
  while read -r s; do   # bounded: one line per issued certificate
    i=$((i + 1))
    openssl ocsp -issuer "$work/issuer.pem" -serial "0x$s" -no_nonce -reqout "$work/ocsp/n$i.der" >/dev/null 2>&1
    openssl ocsp -issuer "$work/issuer.pem" -serial "0x$s" -nonce -reqout "$work/ocsp/w$i.der" >/dev/null 2>&1
    echo "$work/ocsp/n$i.der" >>"$work/ocsp-n.list"; echo "$work/ocsp/w$i.der" >>"$work/ocsp-w.list"
  done <"$work/serials.txt"
  # one answer of each kind checked with openssl: a good certificate and a revoked one, nonce echoed
  for f in n1 w5; do
    curl -fs -H 'Content-Type: application/ocsp-request' --data-binary "@$work/ocsp/$f.der" "$base/ocsp" -o "$work/$f.resp"
    openssl ocsp -respin "$work/$f.resp" -resp_text -noverify 2>/dev/null | grep -E 'Cert Status|Nonce' | tr -s ' ' >&2
  done
  log "$(wc -l <"$work/ocsp-n.list") OCSP requests of certificates FleetCA issued ($(awk 'NR % 5 == 0' "$work/serials.txt" | wc -l) revoked)"
fi

# ---------------------------------------------------------------- 3. REST enrollment
rss_after=""
if has enroll; then
  log "enrollment warm-up: $ENROLL_WARMUP s at $CONNS connections"
  n_warm=$(( 400 * ENROLL_WARMUP + 500 )); [ "$n_warm" -gt 64000 ] && n_warm=64000
  mint WARM "$n_warm" "$work/warm.tsv" >/dev/null
  WRK_LINES=$work/warm.tsv wrk_run warmup "$CONNS" "$ENROLL_WARMUP" "$enroll_lua"
  rate=$(get warmup '.good_rps | floor')
  # Tokens for each run, from the warm-up rate (a run that uses them all stops early: its rate
  # still holds, over a shorter time; "bodies_exhausted" says so).
  n_hi=$(( 2 * rate * DURATION + 1000 )); [ "$n_hi" -gt 40000 ] && n_hi=40000
  n_lo=$(( 2 * rate * DURATION + 1000 )); [ "$n_lo" -gt 20000 ] && n_lo=20000   # 1 connection may be the faster
  log "minting $n_hi enrollments for $CONNS connections"
  mint E"$CONNS" "$n_hi" "$work/e-hi.tsv" >/dev/null
  # what PostgreSQL's active backends wait on during the run (bounded sampling, every 0.5 s)
  ( for _ in $(seq 1 $((DURATION * 2))); do
      psql -h 127.0.0.1 -U fleetca -d "$db" -qtAX -c "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' | ' ||
          left(regexp_replace(query, '\s+', ' ', 'g'), 80) FROM pg_stat_activity
          WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()" 2>/dev/null
      sleep 0.5
    done >"$out/logs/pg-waits.txt" ) &
  sampler=$!
  log "REST enrollment: $CONNS connections, $DURATION s"
  WRK_LINES=$work/e-hi.tsv wrk_run enroll-c"$CONNS" "$CONNS" "$DURATION" "$enroll_lua"
  wait "$sampler" 2>/dev/null || true; sampler=""
  log "minting $n_lo enrollments for 1 connection, and $(( 200 * C1_WARMUP + 100 )) for its warm-up"
  mint E1 "$n_lo" "$work/e-lo.tsv" >/dev/null
  mint W1 $(( 200 * C1_WARMUP + 100 )) "$work/w-lo.tsv" >/dev/null
  log "enrollment warm-up: $C1_WARMUP s at 1 connection"
  WRK_LINES=$work/w-lo.tsv wrk_run warmup-c1 1 "$C1_WARMUP" "$enroll_lua"
  log "REST enrollment: 1 connection, $DURATION s"
  WRK_LINES=$work/e-lo.tsv wrk_run enroll-c1 1 "$DURATION" "$enroll_lua"
  rss_after=$(rss_mib)
  log "RSS after the enrollment runs: $rss_after MiB"
fi

# ---------------------------------------------------------------- 4. OCSP
if has ocsp; then
  export WRK_CTYPE=application/ocsp-request WRK_PATH=/ocsp
  log "OCSP POST without nonce: warm-up $WARMUP s, then $CONNS connections, $DURATION s"
  WRK_FILES=$work/ocsp-n.list WRK_MINLEN=100 wrk_run ocsp-warmup "$CONNS" "$WARMUP" "$bodies_lua"
  WRK_FILES=$work/ocsp-n.list WRK_MINLEN=100 wrk_run ocsp-nonce-no "$CONNS" "$DURATION" "$bodies_lua"
  # good = the answer carries the id-pkix-ocsp-nonce extension (OID 1.3.6.1.5.5.7.48.1.2), i.e. was
  # signed for this request, not a pre-produced answer without the nonce (RFC 8954 §2.1)
  log "OCSP POST with nonce: warm-up $WARMUP s, then $CONNS connections, $DURATION s"
  WRK_FILES=$work/ocsp-w.list WRK_MINLEN=100 wrk_run ocsp-nonce-warmup "$CONNS" "$WARMUP" "$bodies_lua"
  WRK_FILES=$work/ocsp-w.list WRK_MINLEN=100 WRK_EXPECT=$'\x2b\x06\x01\x05\x05\x07\x30\x01\x02' \
    wrk_run ocsp-nonce-yes "$CONNS" "$DURATION" "$bodies_lua"
  # the same requests, good = any signed answer (2xx, at least WRK_MINLEN bytes, so not tryLater): what a
  # client asking with a nonce is answered at, the nonce echoed up to the signing budget and past it the
  # pre-produced answer without it (RFC 8954 §2.1), the design issue 10 asks for
  WRK_FILES=$work/ocsp-w.list WRK_MINLEN=100 wrk_run ocsp-nonce-any "$CONNS" "$DURATION" "$bodies_lua"
  unset WRK_CTYPE WRK_PATH
fi

# ---------------------------------------------------------------- 5. the million-entry CRL
crl_total="" crl_e2e="" crl_line="" crl_bytes=""
if has crl; then
  [ -n "$fpid" ] || start_fleetca
  bench_station=00000000-0000-4000-8000-00000000b001
  log "writing $CRL_ENTRIES revoked certificates into the ledger (SQL)"
  sql <<SQL
INSERT INTO station (id, name, public_jwk, profiles, device_id_pattern, max_enrollments_per_hour, enabled, created_at)
VALUES ('$bench_station', 'bench', '{}', 'operational', 'bench-.*', 1000, true, now());
INSERT INTO device (id, id_folded, status, station_id, created_at, updated_at) VALUES ('bench-1', 'bench-1', 'ACTIVE', '$bench_station', now(), now());
SQL
  before=$(sql -c "SELECT COALESCE(MAX(crl_number), 0) FROM crl WHERE ca_id = '$ca' AND NOT delta")
  t0=$(now_ms)
  # One transaction holding the revocation clock, as FleetCA's own revocations do.
  sql <<SQL
BEGIN;
UPDATE revocation_clock SET seq = seq + 1;
INSERT INTO certificate (issuer_id, serial, status, device_id, station_id, profile, spki_sha256, not_before, not_after,
                         reserved_at, issued_at, revoked_at, revocation_reason, invalidity_date, revocation_seq)
SELECT '$ca', '6' || lpad(to_hex(g), 31, '0'), 'REVOKED', 'bench-1', '$bench_station', 'operational', md5(g::text),
       now(), now() + interval '90 days', now(), now(), now() - (g % 1000) * interval '1 minute',
       (ARRAY['keyCompromise','superseded','cessationOfOperation','unspecified'])[1 + g % 4],
       CASE WHEN g % 4 = 0 THEN now() - interval '2 days' END, (SELECT seq FROM revocation_clock)
FROM generate_series(1, $CRL_ENTRIES) g;
COMMIT;
SQL
  committed=$(now_ms)
  log "seeded in $(( committed - t0 )) ms; waiting for FleetCA's CRL (publish-delay PT4S: noticed within 1 s)"
  row=""
  for _ in $(seq 1 1500); do   # at most ~5 minutes
    row=$(sql -c "SELECT crl_number, entries, build_millis, length(der) FROM crl WHERE ca_id = '$ca' AND NOT delta
                  AND crl_number > $before AND entries >= $CRL_ENTRIES ORDER BY crl_number DESC LIMIT 1")
    [ -n "$row" ] && break
    sleep 0.2
  done
  [ -n "$row" ] || die "no CRL with $CRL_ENTRIES entries within 5 minutes"
  IFS='|' read -r number entries build_ms crl_bytes <<<"$row"
  curl -fs "$base/crl/$ca.crl" -o "$work/full.crl"
  crl_e2e=$(( $(now_ms) - committed ))
  got=$(openssl crl -inform DER -in "$work/full.crl" -noout -crlnumber | cut -d= -f2)
  log "downloaded CRL number $got ($(stat -c %s "$work/full.crl") bytes) $crl_e2e ms after the commit"
  crl_line=$(grep -ho "Published CRL $number .*" "$out"/logs/fleetca-*.log | head -1)
  log "$crl_line"
  crl_total=$(sed -n 's/.*read and encode \([0-9]*\) ms, sign \([0-9]*\) ms, store \([0-9]*\) ms.*/\1 \2 \3/p' <<<"$crl_line" \
    | awk '{print $1 + $2 + $3}')
  [ -n "$crl_total" ] || crl_total=$build_ms
  # The restarts below measure the ledger FleetCA wrote itself, not the seeded rows. The CRL runs
  # before them because an instance stopped in the middle of a CRL build leaves the CA's build lease
  # held (fleetca.crl.build-lease, 10 minutes), and no instance publishes that CA's CRLs meanwhile.
  sql -c "DELETE FROM certificate WHERE station_id = '$bench_station'; DELETE FROM device WHERE id = 'bench-1';
          DELETE FROM station WHERE id = '$bench_station'" >/dev/null
fi

# ---------------------------------------------------------------- 6. start to ready on a restart
plain_ms="" aot_ms="" plain_q="" aot_q="" aot_mib=""
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
quarkus_s() { grep -o 'started in [0-9.]*s' "$out/logs/fleetca-$starts.log" | head -1 | grep -oE '[0-9.]+s' || echo '?'; }
if has restart; then
  stop_fleetca
  all=""
  for _ in $(seq 1 "$RESTARTS"); do start_fleetca; all="$all $ready_ms"; plain_q=$(quarkus_s); stop_fleetca; done
  plain_ms=$(median <<<"$all")
  log "start to ready without AOT cache: $all ms (median $plain_ms ms; Quarkus: started in $plain_q)"
  log "AOT training run (-XX:AOTCacheOutput): start, $WARMUP s of OCSP and health load, stop"
  rm -f "$work/app.aot"
  start_fleetca -XX:AOTCacheOutput="$work/app.aot"
  if has ocsp; then
    WRK_CTYPE=application/ocsp-request WRK_PATH=/ocsp WRK_FILES=$work/ocsp-n.list wrk_run aot-training "$CONNS" "$WARMUP" "$bodies_lua"
  fi
  stop_fleetca
  if [ -s "$work/app.aot" ]; then
    aot_mib=$(( $(stat -c %s "$work/app.aot") / 1048576 ))
    all=""
    for _ in $(seq 1 "$RESTARTS"); do start_fleetca -XX:AOTCache="$work/app.aot"; all="$all $ready_ms"; aot_q=$(quarkus_s); stop_fleetca; done
    aot_ms=$(median <<<"$all")
    log "start to ready with AOT cache ($aot_mib MiB): $all ms (median $aot_ms ms; Quarkus: started in $aot_q)"
  else
    log "no AOT cache written (see $out/logs/fleetca-$starts.log)"
  fi
fi

[ -n "$fpid" ] && [ -z "$rss_after" ] && rss_after=$(rss_mib)
stop_fleetca

# ---------------------------------------------------------------- 7. the peers, same machine, same run
if has crl; then
  log "peer: openssl ca -gencrl over $CRL_ENTRIES entries ($PEERS/bench-crl.sh)"
  "$PEERS/bench-crl.sh" "$CRL_ENTRIES" >"$out/logs/peer-crl.log" 2>&1 || log "bench-crl.sh failed (see $out/logs/peer-crl.log)"
fi
if has peers; then
  log "peer: step-ca /1.0/sign at $CONNS and 1 connections ($PEERS/bench-sign.sh stepca)"
  CONCURRENCY="$CONNS 1" DURATION=$DURATION "$PEERS/bench-sign.sh" stepca >"$out/logs/peer-sign.log" 2>&1 || log "bench-sign.sh failed"
  log "peer: cfssl ocspserve and openssl ocsp -multi 2 at $CONNS connections ($PEERS/bench-ocsp.sh)"
  CONCURRENCY="$CONNS" DURATION=$DURATION "$PEERS/bench-ocsp.sh" cfssl openssl-multi2 >"$out/logs/peer-ocsp.log" 2>&1 || log "bench-ocsp.sh failed"
fi
up_end=$(uptime)
log "end: $up_end"

# ---------------------------------------------------------------- the table
pj=$RESULTS/results.jsonl; touch "$pj"
peer() { jq -r --arg l "$1" "select(.label == \$l) | $2" "$pj" | tail -1; }
rate_cell() {   # JSON line -> "N/s, p50 x ms, p99 y ms, z ms CPU/req[ + w ms PostgreSQL]"
  jq -r --arg per "$2" '"\(.good_rps | floor)/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms"
    + (if .server_cpu_s then ", \((.server_cpu_s * 1000 / ([.good, 1] | max)) * 100 | floor / 100) ms CPU/\($per)"
       elif .server_cpu_ms_per_req then ", \(.server_cpu_ms_per_req * 100 | floor / 100) ms CPU/\($per)" else "" end)
    + (if $per == "cert" and .pg_cpu_s then " + \((.pg_cpu_s * 1000 / ([.good, 1] | max)) * 100 | floor / 100) ms PostgreSQL" else "" end)
    + (if .bad + .sock_err > 0 then " (\(.bad + .sock_err) failed)" else "" end)
    + (if .bodies_exhausted > 0 then " (tokens ran out)" else "" end)' <<<"$1"
}
ratio() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" != null ] && [ "$1" != null ] && echo "scale=3; $1 / $2" | bc | sed 's/^\./0./' || echo '—'; }
rows=()
row() { rows+=("| $1 | $2 | $3 | $4 |"); }
fl() { jq -c --arg l "$1" 'select(.label == $l)' "$jsonl" | tail -1; }
pl() { jq -c --arg l "$1" 'select(.label == $l)' "$pj" | tail -1; }
[ -n "$ceiling_rps" ] && row "load client ceiling: wrk, $CONNS connections, GET of an unknown path (404)" \
  "$ceiling_rps/s, p99 $ceiling_p99" "—" "—"
for c in "$CONNS" 1; do
  f=$(fl enroll-c"$c"); p=$(pl "sign-stepca c=$c")
  [ -n "$f" ] && row "REST enrollment, $c connection$([ "$c" = 1 ] || echo s) (stored, audited, HSM-signed)" "$(rate_cell "$f" cert)" \
    "$([ -n "$p" ] && echo "step-ca \`/1.0/sign\`: $(rate_cell "$p" cert)" || echo —)" \
    "$(ratio "$(jq .good_rps <<<"$f")" "$([ -n "$p" ] && jq .good_rps <<<"$p")")"
done
f=$(fl ocsp-nonce-no); p=$(pl "ocsp-cfssl c=$CONNS")
[ -n "$f" ] && row "OCSP POST without nonce, $CONNS connections" "$(rate_cell "$f" answer)" \
  "$([ -n "$p" ] && echo "cfssl ocspserve (pre-signed): $(rate_cell "$p" answer)" || echo —)" \
  "$(ratio "$(jq .good_rps <<<"$f")" "$([ -n "$p" ] && jq .good_rps <<<"$p")")"
f=$(fl ocsp-nonce-yes); p=$(pl "ocsp-openssl-multi2 c=$CONNS")
[ -n "$f" ] && row "OCSP POST with nonce, $CONNS connections (good = nonce echoed)" "$(rate_cell "$f" answer)" \
  "$([ -n "$p" ] && echo "\`openssl ocsp -multi 2\` (signs each answer, no nonce): $(rate_cell "$p" answer)" || echo —)" \
  "$(ratio "$(jq .good_rps <<<"$f")" "$([ -n "$p" ] && jq .good_rps <<<"$p")")"
f=$(fl ocsp-nonce-any)
[ -n "$f" ] && row "OCSP POST with nonce, $CONNS connections (good = any signed answer; nonce echoed within the budget, RFC 8954 §2.1 past it)" "$(rate_cell "$f" answer)" \
  "$([ -n "$p" ] && echo "\`openssl ocsp -multi 2\`: $(rate_cell "$p" answer)" || echo —)" \
  "$(ratio "$(jq .good_rps <<<"$f")" "$([ -n "$p" ] && jq .good_rps <<<"$p")")"
if [ -n "$crl_total" ]; then
  pc=$(jq -c --argjson n "$CRL_ENTRIES" 'select(.label == "crl" and .entries == $n)' "$pj" | tail -1)
  ps=""; [ -n "$pc" ] && ps=$(jq -r '.openssl_mean_s' <<<"$pc")
  parts=$(sed -n 's/.*: \(read and encode .*\)/\1/p' <<<"$crl_line")
  row "CRL of $CRL_ENTRIES revoked certificates: build + sign + store" \
    "$(echo "scale=2; $crl_total / 1000" | bc | sed 's/^\./0./') s ($parts; complete and delta CRL; $(( crl_bytes / 1048576 )) MiB; $(echo "scale=1; $crl_e2e / 1000" | bc) s from the commit to downloaded)" \
    "$([ -n "$pc" ] && jq -r '"`openssl ca -gencrl`: \(.openssl_mean_s * 100 | floor / 100) s (\(.openssl_der_bytes / 1048576 | floor) MiB DER)"' <<<"$pc" || echo —)" \
    "$([ -n "$ps" ] && ratio "$ps" "$(echo "scale=3; $crl_total / 1000" | bc)" || echo —)"
fi
[ -n "$plain_ms" ] && row "start to ready, restart with existing CAs, no AOT cache (median of $RESTARTS)" \
  "$plain_ms ms (Quarkus: started in $plain_q)" "—" "—"
[ -n "$aot_ms" ] && row "start to ready, restart, AOT cache (-XX:AOTCache, $aot_mib MiB, median of $RESTARTS)" \
  "$aot_ms ms (Quarkus: started in $aot_q)" "without AOT cache: $plain_ms ms" "$(ratio "$plain_ms" "$aot_ms")"
[ -n "$rss_after" ] && row "RSS after the enrollment runs (-Xmx$XMX)" "$rss_after MiB" "—" "—"

{
  echo "## FleetCA vs peers ($(nproc) cores, wrk 1 thread on the same cores, $DURATION s per run, $(date -u +%F\ %H:%M) UTC)"
  echo
  echo "| path | FleetCA | peer | ratio |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Ratio: FleetCA / peer for rates, peer / FleetCA for times (>= 1: FleetCA at least as good)."
  echo "Load at start: ${up_start##*load average: }; at end: ${up_end##*load average: }."
  if [ -s "$out/logs/pg-waits.txt" ]; then
    echo
    echo "PostgreSQL active backends during the $CONNS-connection enrollment run (samples every 0.5 s, top 6):"
    echo
    sort "$out/logs/pg-waits.txt" | uniq -c | sort -rn | head -6 | sed 's/^/    /'
  fi
} >"$out/results.md"
echo
cat "$out/results.md"
echo
log "written to $out/results.md (raw wrk output and logs in $out/logs, peers' results in $out/peers)"
