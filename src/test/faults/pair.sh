# Fault suite, scenario "pair" (sourced by run.sh, whose instance A, PostgreSQL, token, station and helpers it
# uses): two FleetCA instances behind HAProxy (Debian's haproxy, round robin, health checks on readiness) on one
# PostgreSQL, under mixed load through the proxy: REST and EST enrollment (load.py), EST renewal, single and
# bulk revocation, CRL publication (every revocation publishes within 2 s), OCSP and CRL polling of both
# instances directly (pair_load.py). Phases: steady; B killed with kill -9 (A carries on); B back; a rolling
# restart of both (drain in HAProxy, SIGTERM, start, ready, back in). Checks: no serial twice; every
# certificate a client received is in the ledger; no failed request outside the kill window other than 503
# with Retry-After; the CRL number a client polling both instances sees never goes down; a revocation on one
# instance is what the other's OCSP answers (lag from the commit to the sending of the first request answered
# revoked, printed; fails past 5 s or never); a jti used on A is refused
# on B; the audit chain verifies. The proxy retries what is safe to retry (FleetCA's enrollment retry with the
# same token and key is idempotent, a revocation repeated changes nothing): connection failures, empty
# responses and 503.
port_b=$((port + 1))
est_port_b=$((est_port + 1))
base_b="http://127.0.0.1:$port_b"
front_port=$((port + 2))
front_est_port=$((est_port + 2))
front="http://127.0.0.1:$front_port"
front_est="https://127.0.0.1:$front_est_port"
if [ "$size" = full ]; then steady=${PAIR_STEADY:-30}; else steady=${PAIR_STEADY:-12}; fi

note "pair: instance B on $base_b, HAProxy on $front (EST $front_est)"
: >"$work/fleetca-b.log"
launch "$port_b" "$est_port_b" faults-b "$work/fleetca-b.log"; pid_b=$launched
wait_ready "$base_b" >/dev/null || fail "instance B did not start"

cat >"$work/haproxy.cfg" <<EOF
global
  stats socket $work/haproxy.sock mode 600 level admin
  maxconn 4096
defaults
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout check 2s
  # A request's headers within 10 s: Vert.x has no such deadline (its idle timeout restarts with each byte),
  # so slowloris clients are the proxy's to cut.
  timeout http-request 10s
  retries 3
  option redispatch
frontend rest
  mode http
  bind 127.0.0.1:$front_port
  default_backend fleetca
backend fleetca
  mode http
  balance roundrobin
  option http-buffer-request
  retry-on conn-failure empty-response 503
  option httpchk GET /q/health/ready
  http-check expect status 200
  server a 127.0.0.1:$port check inter 500 fall 2 rise 2
  server b 127.0.0.1:$port_b check inter 500 fall 2 rise 2
frontend est
  mode tcp
  bind 127.0.0.1:$front_est_port
  default_backend est
backend est
  mode tcp
  balance roundrobin
  option httpchk GET /q/health/ready
  server a 127.0.0.1:$est_port check port $port inter 500 fall 2 rise 2
  server b 127.0.0.1:$est_port_b check port $port_b inter 500 fall 2 rise 2
EOF
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & haproxy_pid=$!
hap() { socat stdio "unix-connect:$work/haproxy.sock" <<<"$1"; }
# hap_up <server>: waits until HAProxy sees that server UP in both backends (at most 20 s).
hap_up() {
  for _ in $(seq 1 200); do
    [ "$(hap "show stat" | awk -F, -v s="$1" '($1 == "fleetca" || $1 == "est") && $2 == s && $18 ~ /^UP/' | wc -l)" = 2 ] && return 0
    sleep 0.1
  done
  return 1
}
hap_up a && hap_up b || fail "HAProxy does not see both instances up"

total=$((steady * 3 + 60))
rm -f "$work/pair.stop"
: >"$work/pair-enroll.tsv"
# The clients run at a lower priority: on two cores they would otherwise starve a restarting instance, which in
# production does not share its CPU with the fleet.
nice -n 10 python3 src/test/faults/load.py "$front" "$front_est" "$work/root.pem" "$station" "$work/station.key" fp2 16 "$total" \
  "$work/pair-enroll.tsv" "$work/pair.stop" & lp=$!
nice -n 10 python3 src/test/faults/pair_load.py "$front" "$front_est" "$base" "$base_b" "$work/root.pem" "$work/issuing.pem" \
  "$station" "$work/station.key" "$token" "$total" "$work/pair.json" "$work/pair.stop" & mp=$!

sleep "$steady"
note "pair: kill -9 instance B under load"
t_kill=$(date +%s%3N)
kill -9 "$pid_b"; wait "$pid_b" 2>/dev/null || true; pid_b=""
sleep "$steady"
t_kill_end=$(date +%s%3N)
launch "$port_b" "$est_port_b" faults-b "$work/fleetca-b.log"; pid_b=$launched
wait_ready "$base_b" >/dev/null || fail "instance B did not come back"
hap_up b || fail "HAProxy does not see B back"

note "pair: rolling restart of A and B"
t_roll=$(date +%s%3N)
roll_ms=()
for s in a b; do
  hap "set server fleetca/$s state drain" >/dev/null; hap "set server est/$s state drain" >/dev/null
  sleep 3  # what was in flight on it finishes; new requests go to the other
  if [ "$s" = a ]; then p=$pid; else p=$pid_b; fi
  kill -TERM "$p"; wait "$p" 2>/dev/null || true
  if [ "$s" = a ]; then start; url=$base; else launch "$port_b" "$est_port_b" faults-b "$work/fleetca-b.log"; pid_b=$launched; url=$base_b; fi
  ms=$(wait_ready "$url") || fail "instance $s did not come back in the rolling restart"
  roll_ms+=("$ms")
  hap "set server fleetca/$s state ready" >/dev/null; hap "set server est/$s state ready" >/dev/null
  hap_up "$s" || fail "HAProxy does not see $s back"
done
t_roll_end=$(date +%s%3N)
sleep "$steady"
touch "$work/pair.stop"; wait "$lp" || true; wait "$mp" || true

# A station token used on A is refused on B (the jti is shared through the database).
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj /CN=fj-00-00001 \
  -out "$work/jti1.csr" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -subj /CN=fj-00-00001 \
  -out "$work/jti2.csr" 2>/dev/null
jti_token=$(provisioning-scripts/enroll-device.sh --token-only "$station" "$work/station.key" fj-00-00001)
enroll_with() { # <url> <csr file>: the HTTP status
  curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $jti_token" -H 'Content-Type: application/json' \
    -d "$(jq -n --arg csr "$(cat "$2")" '{profile: "operational", csr: $csr}')" "$1/api/v1/devices/fj-00-00001/certificates"
}
jti_a=$(enroll_with "$base" "$work/jti1.csr")
jti_b=$(enroll_with "$base_b" "$work/jti2.csr")

requests=$(( $(wc -l <"$work/pair-enroll.tsv") + $(wc -l <"$work/pair.json.answers.tsv") ))
read -r got missing < <(got_check "$work/pair-enroll.tsv")
dup=$(sql "SELECT COUNT(*) FROM (SELECT issuer_id, serial FROM certificate GROUP BY 1, 2 HAVING COUNT(*) > 1) d")
# Failed answers: anything but 2xx and 503 with Retry-After; those in the kill window (kill to B back) apart.
failed_answers() { # <from ms> <to ms> <inside|outside>
  { awk -F'\t' '{print $8 "\t" $2 "\t" $6}' "$work/pair-enroll.tsv"; awk -F'\t' '{print $1 "\t" $3 "\t" $4}' "$work/pair.json.answers.tsv"; } \
    | awk -F'\t' -v a="$1" -v b="$2" -v w="$3" '{inside = $1 >= a && $1 <= b}
        (w == "inside") == inside && $2 !~ /^2/ && !($2 == 503 && $3 != "")' | wc -l
}
fail_out=$(failed_answers "$t_kill" "$t_kill_end" outside)
fail_in=$(failed_answers "$t_kill" "$t_kill_end" inside)
all5=$({ cut -f2 "$work/pair-enroll.tsv"; cut -f3 "$work/pair.json.answers.tsv"; } | grep -c '^5' || true)
doc5=$({ awk -F'\t' '$2 == 503 && $6 != ""' "$work/pair-enroll.tsv"; awk -F'\t' '$3 == 503 && $4 != ""' "$work/pair.json.answers.tsv"; } | wc -l)
kinds=$(awk -F'\t' '{k[$2 " " $3]++} END {for (x in k) printf "%s %d; ", x, k[x]}' "$work/pair.json.answers.tsv")
enrolls=$(cut -f1,2 "$work/pair-enroll.tsv" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
crl_down=$(jq '.crl_went_down | length' "$work/pair.json")
crl_seen=$(jq '.crl_seen' "$work/pair.json")
crl_range=$(jq -r '[.crl_numbers[] | .first] | min | tostring' "$work/pair.json")-$(jq -r '[.crl_numbers[] | .last] | max | tostring' "$work/pair.json")
lags=$(jq -r '.ocsp_lag_ms | sort | if length == 0 then "none" else "\(length) revocations, p50 \(.[length / 2 | floor]) ms, max \(.[-1]) ms, over 1 s: \(map(select(. > 1000)) | length)" end' "$work/pair.json")
lag_max=$(jq '.ocsp_lag_ms | max // 0' "$work/pair.json")
never=$(jq '.ocsp_never' "$work/pair.json")
other_down=$(jq '.ocsp_other_down' "$work/pair.json")
unprimed=$(jq '.ocsp_unprimed' "$work/pair.json")
renewed=$(jq '.renewed' "$work/pair.json")
revoked=$(jq '.revoked + .bulk_revoked' "$work/pair.json")
intact=yes; audit_intact || intact=no
outcome=ok
[ "$missing" = 0 ] || outcome="FAILED: $missing received certificates not in the ledger"
[ "$dup" = 0 ] || outcome="FAILED: $dup serials twice"
[ "$fail_out" = 0 ] || outcome="FAILED: $fail_out failed requests outside the kill window"
[ "$crl_down" = 0 ] || outcome="FAILED: the CRL number went down $crl_down times: $(jq -c '.crl_went_down[:3]' "$work/pair.json")"
[ "$crl_seen" -gt 0 ] || outcome="FAILED: no CRL fetched"
[ "$never" = 0 ] && [ "$lag_max" -le 5000 ] || outcome="FAILED: OCSP on the other instance: $never never revoked, slowest $lag_max ms"
[ "$jti_a" = 201 ] && [ "$jti_b" = 401 ] || outcome="FAILED: a token used on A (HTTP $jti_a) answered $jti_b on B"
[ "$renewed" -gt 0 ] && [ "$revoked" -gt 0 ] || outcome="FAILED: $renewed renewals, $revoked revocations"
[ "$intact" = yes ] || outcome="FAILED: audit chain"
curl -fs "$base/q/health/ready" >/dev/null && curl -fs "$base_b/q/health/ready" >/dev/null || outcome="FAILED: not both ready at the end"
note "pair: enrollments through the proxy: $enrolls"
note "pair: other answers: $kinds"
note "pair: $fail_in failed requests in the kill window ($(( (t_kill_end - t_kill) / 1000 )) s from kill -9 to B back), $fail_out outside it"
note "pair: CRL numbers seen polling A and B: $crl_seen fetches, $crl_range, went down $crl_down times"
note "pair: OCSP on the other instance after a revocation: $lags; never: $never; not polled (the other instance down): $other_down; not counted (no good answer in its memory first): $unprimed"
note "pair: phases (epoch ms): kill $t_kill, B back $t_kill_end, rolling restart $t_roll to $t_roll_end; OCSP answers slower than 1 s: $(jq -c '.ocsp_slow // []' "$work/pair.json")"
note "pair: rolling restart ready in ms: ${roll_ms[*]}; jti used on A: $jti_a, replayed on B: $jti_b"
table+=("| two instances behind HAProxy: kill -9 of one, rolling restart of both | 16 enrolling clients (REST, EST), EST renewals, single and bulk revocations, CRL and OCSP polling of both | $requests | $all5 ($doc5) | $missing of $got received | $fail_in failed in the kill window, $fail_out outside; CRL numbers never down ($crl_seen fetches); OCSP on the other instance: $lags; $renewed renewals, $revoked revocations; jti replay on B: $jti_b | $outcome |")
[ "$outcome" = ok ] || failed=1
kill -TERM "$haproxy_pid" 2>/dev/null || true; wait "$haproxy_pid" 2>/dev/null || true; haproxy_pid=""
