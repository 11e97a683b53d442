#!/usr/bin/env bash
# FleetCA benchmark: starts a FleetCA instance (PostgreSQL + a fresh SoftHSM2 token, as in
# production) and measures, against it over HTTP:
#   1. OCSP responses per second with concurrent clients: cached (GET, no nonce, RFC 5019) and
#      freshly signed (POST with a nonce, RFC 8954);
#   2. the complete CRL of a CA with BENCH_REVOKED (default 1,000,000) revoked certificates: build
#      time, size and download time, and OCSP throughput while that CRL is being built (ratio to 1.);
#   3. a bulk revocation of BENCH_BULK (default 100,000) certificates of one station in one request.
# Certificates for 2. and 3. are written straight into the ledger with SQL (OCSP and CRLs read
# only the ledger); everything else goes through FleetCA.
#
# Usage: src/test/benchmark/benchmark.sh
# Environment: BENCH_CLIENTS (16), BENCH_SECONDS per OCSP run (15), BENCH_REVOKED (1000000),
#              BENCH_BULK (100000), BENCH_PORT (8095), JAVA_HOME (Temurin 25),
#              BENCH_JAVA_OPTS (JVM options for FleetCA, e.g. -Xmx256m).
# Needs what .ci/run installs (PostgreSQL on 127.0.0.1 with role fleetca, softhsm2, openssl, curl).
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
clients=${BENCH_CLIENTS:-16}
seconds=${BENCH_SECONDS:-15}
revoked=${BENCH_REVOKED:-1000000}
bulk=${BENCH_BULK:-100000}
port=${BENCH_PORT:-8095}
base="http://127.0.0.1:$port"
work=$(mktemp -d /tmp/fleetca-bench.XXXXXX)
db="fleetca_bench_$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
station=00000000-0000-4000-8000-00000000b001
pid=""

cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  psql -h 127.0.0.1 -U fleetca -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
sql() { psql -h 127.0.0.1 -U fleetca -d "$db" -v ON_ERROR_STOP=1 -qtAX "$@"; }
now_ms() { date +%s%3N; }

echo "bench: building"
./mvnw -B -ntp -q package -DskipTests
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=compile >/dev/null
psql -h 127.0.0.1 -U fleetca -d postgres -qc "CREATE DATABASE $db"
provisioning-scripts/init-softhsm-token.sh "$work/hsm" fleetca-bench >/dev/null
provisioning-scripts/make-admin-jwks.sh "$work/admin.key" "$work/admin-jwks.json" >/dev/null

echo "bench: starting FleetCA on $base (log: $work/fleetca.log)"
SOFTHSM2_CONF="$work/hsm/softhsm2.conf" "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} \
  -Dquarkus.http.port="$port" -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.datasource.jdbc.url="jdbc:postgresql://127.0.0.1:5432/$db" -Dquarkus.datasource.username=fleetca \
  -Dfleetca.keys.provider=pkcs11 -Dfleetca.keys.pkcs11.config="$work/hsm/sunpkcs11.cfg" \
  -Dfleetca.keys.pkcs11.pin-file="$work/hsm/user.pin" -Dfleetca.bootstrap.enabled=true \
  -Dfleetca.public-url="$base" -Dfleetca.auth.admin-jwks="$work/admin-jwks.json" \
  -Dfleetca.crl.publish-delay=PT4S -jar target/quarkus-app/quarkus-run.jar >"$work/fleetca.log" 2>&1 &
pid=$!
for _ in $(seq 1 90); do curl -fs "$base/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done
curl -fs "$base/q/health/ready" >/dev/null || { tail -50 "$work/fleetca.log"; exit 1; }
curl -fs "$base/api/v1/cas/dev-issuing/certificate" -o "$work/issuer.der"

echo "bench: seeding 1000 good certificates"
sql <<SQL
INSERT INTO station (id, name, public_jwk, profiles, device_id_pattern, max_enrollments_per_hour, enabled, created_at)
VALUES ('$station', 'bench', '{}', 'operational', 'bench-.*', 1000, true, now());
INSERT INTO device (id, id_folded, status, station_id, created_at, updated_at) VALUES ('bench-1', 'bench-1', 'ACTIVE', '$station', now(), now());
INSERT INTO certificate (issuer_id, serial, status, device_id, station_id, profile, spki_sha256, not_before, not_after,
                         reserved_at, issued_at)
SELECT 'dev-issuing', '7' || lpad(to_hex(g), 31, '0'), 'ISSUED', 'bench-1', '$station', 'operational', md5(g::text),
       now(), now() + interval '90 days', now(), now() FROM generate_series(1, 1000) g;
SQL
sql -c "SELECT serial FROM certificate WHERE serial LIKE '7%'" >"$work/serials.txt"
cp="$(cat "$work/cp.txt")"
load() { "$JAVA_HOME/bin/java" -cp "$cp" src/test/benchmark/OcspLoad.java "$base" "$work/issuer.der" "$work/serials.txt" "$1" "$clients" "$seconds" "${2:-5}"; }
rps() { sed -n 's/.* rps=\([0-9]*\).*/\1/p' "$1"; }

echo "bench: OCSP, $clients clients, $seconds s per run"
load cached | tee "$work/cached.txt"
load nonce | tee "$work/nonce.txt"

echo "bench: writing $revoked revoked certificates into the ledger"
t0=$(now_ms)
# One transaction holding the revocation clock, as FleetCA's own revocations do.
sql <<SQL
BEGIN;
UPDATE revocation_clock SET seq = seq + 1;
INSERT INTO certificate (issuer_id, serial, status, device_id, station_id, profile, spki_sha256, not_before, not_after,
                         reserved_at, issued_at, revoked_at, revocation_reason, invalidity_date, revocation_seq)
SELECT 'dev-issuing', '6' || lpad(to_hex(g), 31, '0'), 'REVOKED', 'bench-1', '$station', 'operational', md5(g::text),
       now(), now() + interval '90 days', now(), now(), now() - (g % 1000) * interval '1 minute',
       (ARRAY['keyCompromise','superseded','cessationOfOperation','unspecified'])[1 + g % 4],
       CASE WHEN g % 4 = 0 THEN now() - interval '2 days' END, (SELECT seq FROM revocation_clock)
FROM generate_series(1, $revoked) g;
COMMIT;
ANALYZE certificate;
SQL
echo "bench: seeded in $(( $(now_ms) - t0 )) ms; the publisher now builds the CRL, OCSP load runs meanwhile"
before=$(sql -c "SELECT COALESCE(MAX(crl_number), 0) FROM crl WHERE ca_id = 'dev-issuing' AND NOT delta")
load cached 0 | tee "$work/during.txt"   # no warm-up: the build has already started
for _ in $(seq 1 600); do
  row=$(sql -c "SELECT crl_number, entries, build_millis, length(der) FROM crl WHERE ca_id = 'dev-issuing' AND NOT delta
                AND crl_number > $before AND entries >= $revoked ORDER BY crl_number DESC LIMIT 1")
  [ -n "$row" ] && break
  sleep 1
done
[ -n "$row" ] || { echo "bench: no CRL with $revoked entries within 10 minutes"; tail -30 "$work/fleetca.log"; exit 1; }
IFS='|' read -r number entries build_ms bytes <<<"$row"
t0=$(now_ms)
curl -fs "$base/crl/dev-issuing.crl" -o "$work/full.crl"
fetch_ms=$(( $(now_ms) - t0 ))
openssl crl -inform DER -in "$work/full.crl" -noout -crlnumber >/dev/null
t0=$(now_ms)
curl -fs "$base/crl/dev-issuing.crl" -o /dev/null
fetch2_ms=$(( $(now_ms) - t0 ))

echo "bench: bulk revocation of $bulk certificates of one station"
sql <<SQL
INSERT INTO certificate (issuer_id, serial, status, device_id, station_id, profile, spki_sha256, not_before, not_after,
                         reserved_at, issued_at)
SELECT 'dev-issuing', '5' || lpad(to_hex(g), 31, '0'), 'ISSUED', 'bench-1', '$station', 'operational', md5('b' || g),
       now(), now() + interval '90 days', now(), now() - interval '1 hour' FROM generate_series(1, $bulk) g;
ANALYZE certificate;
SQL
token=$(provisioning-scripts/admin-token.sh "$work/admin.key" admin bench)
window="\"issuedAfter\":\"$(date -u -d '-2 hours' +%FT%TZ)\",\"issuedBefore\":\"$(date -u -d '-30 minutes' +%FT%TZ)\""
bulk_out=$(curl -fs -w ' %{time_total}' -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
  -d "{\"reason\":\"keyCompromise\",\"stationId\":\"$station\",$window}" "$base/api/v1/revocations")
bulk_s=${bulk_out##* }
bulk_n=$(sed -n 's/.*"revoked":\([0-9]*\).*/\1/p' <<<"$bulk_out")

echo
echo "== FleetCA benchmark ($(nproc) cores, $clients clients, $seconds s per OCSP run) =="
cat "$work/cached.txt" "$work/nonce.txt"
sed 's/^ocsp cached/ocsp cached (during 1M-entry CRL build)/' "$work/during.txt"
awk -v a="$(rps "$work/during.txt")" -v b="$(rps "$work/cached.txt")" 'BEGIN { printf "ocsp cached during CRL build / idle: %.2f\n", a / b }'
awk -v a="$(rps "$work/nonce.txt")" -v b="$(rps "$work/cached.txt")" 'BEGIN { printf "ocsp nonce / cached: %.2f\n", a / b }'
echo "crl number=$number entries=$entries build=${build_ms} ms size=$bytes bytes ($(( bytes / 1048576 )) MiB) first download=${fetch_ms} ms cached download=${fetch2_ms} ms"
echo "bulk revocation revoked=$bulk_n in ${bulk_s} s (one request)"
grep -o "Published CRL $number .* of CA dev-issuing: .*" "$work/fleetca.log" | head -1
