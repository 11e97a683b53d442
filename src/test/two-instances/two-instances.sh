#!/usr/bin/env bash
# Two FleetCA instances on one SoftHSM2 token and one PostgreSQL database, as behind a load
# balancer (issue 9 item 4). Builds the packaged application, starts instance A (which creates
# the development hierarchy) and then instance B (whose key store reads the token before A's next
# keys exist), and checks with curl and openssl:
#   1. a root CA created on A signs an issuing CA at once on B;
#   2. the OCSP responder A creates for a CA is used at once by B (same responder id);
#   3. after A renews that responder (responders live 30 s here), B answers with the successor;
#   4. B stays ready throughout and never answers tryLater;
#   5. devices enrolled on A and on B at the same time: no serial twice, no issued row without its
#      certificate, and both instances verify the audit chain, sealed by one sealer at a time, and
#      its HSM-signed checkpoints (each instance reads the other's checkpoint key from the token);
#   6. a station token used on A is refused on B (replayed jti);
#   7. a station's hourly rate holds across both: exactly its limit with blocks of one unit (limit 10),
#      never over it and at most one block per instance short with larger blocks (limit 100, blocks of 2);
#   8. a revocation committed on A is what B's OCSP answers (no nonce, so from B's memory), within the
#      time printed (the notification bound is 1 s; this test fails only past 5 s).
# Exit status 0 when all hold. Usage: src/test/two-instances/two-instances.sh
# Environment: JAVA_HOME (Temurin 25), TWO_PORT_A (8096), TWO_PORT_B (8097), MAVEN_ARGS (e.g. -o).
# Needs what .ci/run installs (PostgreSQL on 127.0.0.1 with role fleetca, softhsm2, openssl, curl).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
port_a=${TWO_PORT_A:-8096}
port_b=${TWO_PORT_B:-8097}
work=$(mktemp -d /tmp/fleetca-two.XXXXXX)
db="fleetca_two_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
pid_a=""
pid_b=""

cleanup() {
  for p in "$pid_a" "$pid_b"; do
    if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  psql -h 127.0.0.1 -U fleetca -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "two-instances: FAILED: $*" >&2; echo "--- A:" >&2; tail -30 "$work/a.log" >&2; echo "--- B:" >&2; tail -30 "$work/b.log" >&2; exit 1; }

echo "two-instances: building"
# shellcheck disable=SC2086 # MAVEN_ARGS is a list of options
./mvnw -B -ntp -q ${MAVEN_ARGS:-} package -DskipTests
psql -h 127.0.0.1 -U fleetca -d postgres -qc "CREATE DATABASE $db"
provisioning-scripts/init-softhsm-token.sh "$work/hsm" fleetca-two >/dev/null
provisioning-scripts/make-admin-jwks.sh "$work/admin.key" "$work/admin-jwks.json" >/dev/null
token=$(provisioning-scripts/admin-token.sh "$work/admin.key" admin two-instances)

# start <name> <http port> <EST port> <bootstrap>: one FleetCA process; prints its pid.
start() {
  SOFTHSM2_CONF="$work/hsm/softhsm2.conf" "$JAVA_HOME/bin/java" \
    -Dquarkus.http.port="$2" -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$db" -Dquarkus.datasource.username=fleetca \
    -Dfleetca.keys.provider=pkcs11 -Dfleetca.keys.pkcs11.config="$work/hsm/sunpkcs11.cfg" \
    -Dfleetca.keys.pkcs11.pin-file="$work/hsm/user.pin" -Dfleetca.bootstrap.enabled="$4" \
    -Dfleetca.public-url="http://127.0.0.1:$2" -Dfleetca.auth.admin-jwks="$work/admin-jwks.json" \
    -Dfleetca.est.port="$3" -Dfleetca.est.host=127.0.0.1 \
    -Dfleetca.ocsp.responder-validity=PT30S -Dfleetca.ocsp.responder-renew-before=PT1H \
    -jar target/quarkus-app/quarkus-run.jar >"$work/$1.log" 2>&1 &
  echo $!
}
wait_ready() {
  for _ in $(seq 1 90); do curl -fs "$1/q/health/ready" >/dev/null 2>&1 && return 0; sleep 1; done
  return 1
}
ready() { curl -fs "$1/q/health/ready" >/dev/null || fail "$2 is not ready"; }
a="http://127.0.0.1:$port_a"
b="http://127.0.0.1:$port_b"

echo "two-instances: starting A on $a"
pid_a=$(start a "$port_a" $((port_a + 350)) true)
wait_ready "$a" || fail "A did not start"
echo "two-instances: starting B on $b"
pid_b=$(start b "$port_b" $((port_b + 350)) false)
wait_ready "$b" || fail "B did not start"

post_ca() { # <instance url> <json>
  curl -s -o "$work/ca.json" -w '%{http_code}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "$2" "$1/api/v1/cas"
}
# ocsp <instance url> <issuer id>: a nonce request (always freshly signed); prints the status and responder id lines.
ocsp() {
  curl -fs "$1/api/v1/cas/$2/certificate" -H 'Accept: application/x-pem-file' -o "$work/issuer.pem"
  openssl ocsp -issuer "$work/issuer.pem" -serial 0x7f0123456789abcd -url "$1/ocsp" -noverify -resp_text 2>/dev/null \
    | grep -E 'OCSP Response Status|Responder Id' || true
}

echo "two-instances: 1. a root CA created on A signs an issuing CA on B"
code=$(post_ca "$a" '{"id":"a-root","subject":"CN=Root made on A,O=FleetCA Test","keyAlgorithm":"EC_P256"}')
[ "$code" = 201 ] || fail "A: creating the root answered $code: $(cat "$work/ca.json")"
code=$(post_ca "$b" '{"id":"b-issuing","subject":"CN=Issuing made on B,O=FleetCA Test","parentId":"a-root","keyAlgorithm":"EC_P256","validityDays":30}')
[ "$code" = 201 ] || fail "B: signing with the root A created answered $code: $(cat "$work/ca.json")"
ready "$b" B

echo "two-instances: 2. the responder A creates is used at once by B"
from_a=$(ocsp "$a" b-issuing)
grep -q 'successful' <<<"$from_a" || fail "A: OCSP $from_a"
from_b=$(ocsp "$b" b-issuing)
grep -q 'successful' <<<"$from_b" || fail "B: OCSP $from_b"
[ "$(grep 'Responder Id' <<<"$from_a")" = "$(grep 'Responder Id' <<<"$from_b")" ] \
  || fail "A and B sign with different responders: $from_a / $from_b"
ready "$b" B

echo "two-instances: 3. A renews the responder (30 s, renewed at half-life); B follows"
sleep 16
renewed=$(ocsp "$a" b-issuing)
grep -q 'successful' <<<"$renewed" || fail "A: OCSP after renewal $renewed"
[ "$(grep 'Responder Id' <<<"$renewed")" != "$(grep 'Responder Id' <<<"$from_a")" ] || fail "A did not renew its responder"
after=$(ocsp "$b" b-issuing)
grep -q 'successful' <<<"$after" || fail "B: OCSP after A's renewal $after"
[ "$(grep 'Responder Id' <<<"$after")" = "$(grep 'Responder Id' <<<"$renewed")" ] || fail "B does not use A's new responder"
ready "$b" B
ready "$a" A
if grep -q 'Key store .* failed' "$work/a.log" "$work/b.log"; then fail "an instance took a missing key for a token failure"; fi

echo "two-instances: 5. devices enrolled on A and B at once; audit chain and checkpoints verify on both"
provisioning-scripts/make-station-key.sh "$work/station.key" >"$work/station.jwk"
station=$(curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$a/api/v1/stations" \
  -d "{\"name\":\"two-line\",\"publicKey\":$(cat "$work/station.jwk"),\"profiles\":[\"operational\"],
       \"deviceIdPattern\":\"two-[ab]-[0-9]{2}\",\"maxEnrollmentsPerHour\":1000}" | sed 's/.*"id":"\([^"]*\)".*/\1/')
[ -n "$station" ] || fail "registering the station failed"
enroll_many() { # <instance url> <a|b>: 12 devices, one after the other
  for i in $(seq -w 1 12); do
    (cd "$work" && "$root/provisioning-scripts/enroll-device.sh" "$1" "$station" "$work/station.key" "two-$2-$i" operational \
      >/dev/null 2>>"$work/enroll-$2.err") || return 1
  done
}
enroll_many "$a" a & ea=$!
enroll_many "$b" b & eb=$!
wait "$ea" || fail "enrollment on A failed: $(tail -3 "$work/enroll-a.err")"
wait "$eb" || fail "enrollment on B failed: $(tail -3 "$work/enroll-b.err")"
dup=$(psql -h 127.0.0.1 -U fleetca -d "$db" -tAc "SELECT COUNT(*) FROM (SELECT issuer_id, serial FROM certificate GROUP BY 1, 2 HAVING COUNT(*) > 1) d")
[ "$dup" = 0 ] || fail "$dup serials recorded twice"
lost=$(psql -h 127.0.0.1 -U fleetca -d "$db" -tAc "SELECT COUNT(*) FROM certificate WHERE status = 'ISSUED' AND der IS NULL")
[ "$lost" = 0 ] || fail "$lost issued rows without a certificate"
issued=$(psql -h 127.0.0.1 -U fleetca -d "$db" -tAc "SELECT COUNT(*) FROM certificate WHERE device_id LIKE 'two-%' AND status = 'ISSUED'")
[ "$issued" = 24 ] || fail "expected 24 device certificates, the ledger has $issued"
verified=""
for _ in $(seq 1 20); do # the sealer runs every 0.2 s and signs a checkpoint at most every second
  va=$(curl -fs -H "Authorization: Bearer $token" "$a/api/v1/audit/verify")
  vb=$(curl -fs -H "Authorization: Bearer $token" "$b/api/v1/audit/verify")
  if grep -q '"intact":true' <<<"$va" && grep -q '"unsealed":0' <<<"$va" && grep -q '"intact":true' <<<"$vb" \
     && ! grep -q '"checkpointsChecked":0' <<<"$vb"; then verified=yes; break; fi
  sleep 1
done
[ -n "$verified" ] || fail "audit verification: A $va / B $vb"

echo "two-instances: 6. a token used on A is refused on B"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/replay.key" -subj /CN=two-a-90 \
  -out "$work/replay.csr" 2>/dev/null
body=$(jq -n --arg csr "$(cat "$work/replay.csr")" '{profile: "operational", csr: $csr}')
one_time=$(provisioning-scripts/enroll-device.sh --token-only "$station" "$work/station.key" two-a-90)
code_a=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $one_time" -H 'Content-Type: application/json' \
  -d "$body" "$a/api/v1/devices/two-a-90/certificates")
[ "$code_a" = 201 ] || fail "A: enrollment with a fresh token answered $code_a"
code_b=$(curl -s -o "$work/replay.json" -w '%{http_code}' -H "Authorization: Bearer $one_time" -H 'Content-Type: application/json' \
  -d "$body" "$b/api/v1/devices/two-a-90/certificates")
[ "$code_b" = 401 ] && grep -q 'already used' "$work/replay.json" || fail "B: the token A accepted answered $code_b $(cat "$work/replay.json")"

echo "two-instances: 7. a station's hourly rate across both instances"
# rate_station <limit>: a station for devices rate<limit>-<a|b>-NN; prints its id.
rate_station() {
  curl -fs -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$a/api/v1/stations" \
    -d "{\"name\":\"rate-$1\",\"publicKey\":$(cat "$work/station.jwk"),\"profiles\":[\"operational\"],
         \"deviceIdPattern\":\"rate$1-[ab]-[0-9]{2}\",\"maxEnrollmentsPerHour\":$1}" | jq -r .id
}
# enroll_codes <instance url> <station> <limit> <a|b> <n>: n enrollments one after the other; prints one HTTP status each.
enroll_codes() {
  for i in $(seq 1 "$5"); do
    d=$(printf 'rate%s-%s-%02d' "$3" "$4" "$i")
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj "/CN=$d" \
      -out "$work/$d.csr" 2>/dev/null
    t=$(provisioning-scripts/enroll-device.sh --token-only "$2" "$work/station.key" "$d")
    curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
      -d "$(jq -n --arg csr "$(cat "$work/$d.csr")" '{profile: "operational", csr: $csr}')" "$1/api/v1/devices/$d/certificates"
  done
}
for limit in 10 100; do
  # The budget is per clock hour (ra.StationBudget): a phase that straddles xx:00 is counted in two windows and
  # may issue more than the limit in all (CI failed so once at 03:00), so start each with 3 minutes of its hour left.
  left=$(( 3600 - $(date -u +%s) % 3600 ))
  if [ "$left" -lt 180 ]; then
    echo "two-instances:    waiting $((left + 2)) s for the next hour (the station's budget is counted per hour)"
    sleep $((left + 2))
  fi
  per=$(( limit * 6 / 10 ))   # each instance asks for 60 % of the limit
  rs=$(rate_station "$limit"); [ -n "$rs" ] && [ "$rs" != null ] || fail "registering the rate-$limit station failed"
  enroll_codes "$a" "$rs" "$limit" a "$per" >"$work/rate-a.codes" & ra=$!
  enroll_codes "$b" "$rs" "$limit" b "$per" >"$work/rate-b.codes" & rb=$!
  wait "$ra" "$rb"
  ok=$(cat "$work/rate-a.codes" "$work/rate-b.codes" | grep -c '^201$' || true)
  limited=$(cat "$work/rate-a.codes" "$work/rate-b.codes" | grep -c '^429$' || true)
  other=$(cat "$work/rate-a.codes" "$work/rate-b.codes" | grep -vcE '^(201|429)$' || true)
  counted=$(psql -h 127.0.0.1 -U fleetca -d "$db" -tAc "SELECT COALESCE(SUM(used), 0) FROM station_rate WHERE station_id = '$rs'")
  in_ledger=$(psql -h 127.0.0.1 -U fleetca -d "$db" -tAc "SELECT COUNT(*) FROM certificate WHERE station_id = '$rs' AND status = 'ISSUED'")
  block=$(( limit / 50 )); [ "$block" -lt 1 ] && block=1
  echo "two-instances:    limit $limit, $((2 * per)) asked on A and B: $ok issued ($in_ledger in the ledger), $limited refused 429, shared counter $counted (blocks of $block)"
  [ "$other" = 0 ] || fail "rate $limit: answers other than 201/429: $(sort "$work"/rate-?.codes | uniq -c | tr '\n' ' ')"
  [ "$ok" = "$in_ledger" ] || fail "rate $limit: clients got $ok certificates, the ledger has $in_ledger"
  [ "$ok" -le "$limit" ] && [ "$counted" -le "$limit" ] || fail "rate $limit: over the limit ($ok issued, counter $counted)"
  [ "$ok" -ge $(( limit - 2 * block )) ] || fail "rate $limit: only $ok issued (more than one block per instance unused)"
done

echo "two-instances: 8. a revocation on A reaches B's OCSP"
(cd "$work" && "$root/provisioning-scripts/enroll-device.sh" "$a" "$station" "$work/station.key" two-a-95 operational >/dev/null 2>&1) \
  || fail "enrolling two-a-95 on A failed"
curl -fs "$a/api/v1/cas/dev-issuing/certificate" -H 'Accept: application/x-pem-file' -o "$work/dev-issuing.pem"
openssl ocsp -issuer "$work/dev-issuing.pem" -cert "$work/two-a-95/device.crt" -no_nonce -reqout "$work/fresh.req" >/dev/null 2>&1
# status_on <instance url>: the certificate's status in that instance's answer to the very same request
status_on() {
  curl -fs -H 'Content-Type: application/ocsp-request' --data-binary "@$work/fresh.req" "$1/ocsp" -o "$work/fresh.resp" \
    && openssl ocsp -respin "$work/fresh.resp" -issuer "$work/dev-issuing.pem" -cert "$work/two-a-95/device.crt" -noverify 2>/dev/null \
      | sed -n 's/.*device.crt: //p'
}
for _ in 1 2 3; do [ "$(status_on "$b")" = good ] || fail "B: the fresh certificate is not good: $(status_on "$b")"; done
serial=$(openssl x509 -in "$work/two-a-95/device.crt" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f' | sed 's/^0*//')
t0=$(date +%s%3N)
curl -fs -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{"reason":"keyCompromise"}' \
  "$a/api/v1/certificates/$serial/revoke" || fail "revoking $serial on A failed"
seen=""
for _ in $(seq 1 100); do   # at most ~5 s
  [ "$(status_on "$b")" = revoked ] && { seen=$(( $(date +%s%3N) - t0 )); break; }
  sleep 0.05
done
[ -n "$seen" ] || fail "B still answers $(status_on "$b") 5 s after the revocation committed on A"
echo "two-instances:    B answered revoked $seen ms after A's revocation returned"
echo "two-instances: OK"
