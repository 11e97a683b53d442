# Fault suite, scenario "hsm" (sourced by run.sh, whose instance A, token, station and helpers it uses): the
# HSM fails under 8 enrolling clients (REST and EST) and an OCSP nonce poller (every nonce answer is signed in
# the token). Phases:
#   token gone  the token's directory is moved away for HSM_OUTAGE seconds and back. SoftHSM2 then answers with
#               no objects, and keeps doing so in that process after the directory is back (OSToken::index leaves
#               a token invalid once its directory failed to refresh, until C_Finalize), so this token does not
#               allow recovery without a restart: FleetCA must refuse with 503 and be not ready, during and
#               after, and be ready again after a restart.
#   PIN changed the user PIN is changed on the token (OpenSC's pkcs11-tool, C_SetPIN) while FleetCA is logged in:
#               it keeps signing; a restart with the old PIN file stops at start-up naming the PIN setting; with
#               the new PIN in the file it starts.
# Checks: no 5xx but documented 503s (EST 503, OCSP tryLater), none hangs; readiness DOWN while the token cannot
# sign; every certificate a client received is in the ledger; every certificate the ledger calls issued since
# the scenario began verifies against the issuing CA (openssl), so none was recorded without a good signature.
# In-process failures a separate process cannot cause are JUnit tests on the same real token: the application's
# sessions logged out (keys.HsmRecoveryTest: 503, DOWN, recovery without restart) and a rejected PIN never
# presented twice, a new PIN file picked up without a restart (keys.KeyStoreStartupTest).
hsm_outage=${HSM_OUTAGE:-8}
token_dir=$(ls -d "$work"/hsm/tokens/*/ | head -n 1)
token_dir=${token_dir%/}
p11() { SOFTHSM2_CONF="$work/hsm/softhsm2.conf" pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so "$@"; }
readiness() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$base/q/health/ready"; }

note "hsm: token failures under 8 enrolling clients and an OCSP nonce poller"
started_at=$(sql "SELECT now()")
: >"$work/hsm.tsv"; : >"$work/hsm-ocsp.log"
total=$((hsm_outage * 2 + 60))
rm -f "$work/hsm.stop"
load fh2 8 "$total" "$work/hsm.tsv" "$work/hsm.stop" & lp=$!
( while [ ! -e "$work/hsm.stop" ]; do
    r=$(openssl ocsp -issuer "$work/issuing.pem" -serial 0x1234 -url "$base/ocsp" -noverify -timeout 10 2>&1 \
      | sed -n 's/^0x[0-9a-fA-F]*: //p;s/^Responder Error: //p' | head -n 1 || true)
    echo "$(date +%s%3N) ${r:-none}" >>"$work/hsm-ocsp.log"; sleep 0.3
  done ) & op=$!
sleep 5

# Phase 1: the token is gone, then back (still unusable in this process), then FleetCA restarted.
mv "$token_dir" "$work/hsm/token-aside"
sleep 3; down1=$(readiness)
sleep $((hsm_outage - 3))
mv "$work/hsm/token-aside" "$token_dir"
sleep 5; after1=$(readiness)
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
start
back1=$(wait_ready) || fail "FleetCA did not start again after the token came back"
sleep 3

# Phase 2: the PIN is changed on the token while FleetCA is logged in.
old_pin=$(cat "$work/hsm/user.pin")
new_pin=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
p11 --login --pin "$old_pin" --change-pin --new-pin "$new_pin" >/dev/null 2>&1 || fail "pkcs11-tool could not change the PIN"
issued_before=$(sql "SELECT COUNT(*) FROM certificate WHERE status = 'ISSUED'")
sleep 3; still=$(readiness)
issued_after=$(sql "SELECT COUNT(*) FROM certificate WHERE status = 'ISSUED'")
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
: >"$work/fleetca-pin.log"
launch "$port" "$est_port" faults "$work/fleetca-pin.log"; pid=$launched
refused_start=no
for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || { refused_start=yes; break; }; sleep 0.1; done
wait "$pid" 2>/dev/null || true
pin_message=$(grep -o "The HSM rejected the PIN[^(]*" "$work/fleetca-pin.log" | head -n 1)
cat "$work/fleetca-pin.log" >>"$work/fleetca.log"
printf '%s\n' "$new_pin" >"$work/hsm/user.pin"
start
back2=$(wait_ready) || fail "FleetCA did not start with the new PIN"
sleep 5
touch "$work/hsm.stop"; wait "$lp" || true; wait "$op" || true

requests=$(wc -l <"$work/hsm.tsv")
read -r got missing < <(got_check "$work/hsm.tsv")
read -r all5 doc5 < <(fivexx "$work/hsm.tsv")
hung=$(awk -F'\t' '$2 == "timeout" || $3 > 15000' "$work/hsm.tsv" | wc -l)
answers=$(cut -f1,2,7 "$work/hsm.tsv" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
ocsp_answers=$(awk '{print $2}' "$work/hsm-ocsp.log" | sort | uniq -c | tr -s ' ' | tr '\n' ';')
# While FleetCA is down or restarting there is no answer ("none"); otherwise a status or tryLater (RFC 6960 §2.3).
ocsp_other=$(awk '$2 != "unknown" && $2 !~ /^trylater/ && $2 != "none"' "$work/hsm-ocsp.log" | wc -l)
# Every certificate recorded as issued since the scenario began: its signature verifies under the issuing CA.
issued=0; bad=0
while read -r line; do
  [ -n "$line" ] || continue
  issued=$((issued + 1))
  printf '%s' "$line" | base64 -d 2>/dev/null | openssl x509 -inform DER -out "$work/hsm-one.pem" 2>/dev/null
  openssl verify -partial_chain -CAfile "$work/issuing.pem" "$work/hsm-one.pem" >/dev/null 2>&1 || bad=$((bad + 1))
done < <(sql "SELECT replace(encode(der, 'base64'), E'\n', '') FROM certificate WHERE status <> 'RESERVED' AND der IS NOT NULL AND issued_at >= '$started_at'")
outcome=ok
[ "$missing" = 0 ] || outcome="FAILED: $missing received certificates not in the ledger"
[ "$bad" = 0 ] || outcome="FAILED: $bad of $issued issued certificates do not verify"
[ "$all5" = "$doc5" ] || outcome="FAILED: $((all5 - doc5)) undocumented 5xx"
[ "$hung" = 0 ] || outcome="FAILED: $hung requests hung"
[ "$down1" = 503 ] && [ "$after1" = 503 ] || outcome="FAILED: readiness not DOWN while the token could not sign ($down1 gone, $after1 back but unusable)"
[ "$still" = 200 ] && [ "$issued_after" -gt "$issued_before" ] || outcome="FAILED: not signing after the PIN change while logged in (ready $still, issued $issued_before -> $issued_after)"
[ "$refused_start" = yes ] && [ -n "$pin_message" ] || outcome="FAILED: a start with the old PIN did not stop naming the PIN (${pin_message:-no message})"
[ "$ocsp_other" = 0 ] || outcome="FAILED: $ocsp_other OCSP answers neither a status nor tryLater"
note "hsm: answers $answers"
note "hsm: OCSP nonce answers: $ocsp_answers"
note "hsm: token gone $hsm_outage s: readiness $down1 during, $after1 once back (SoftHSM2 keeps the token invalid in this process); ready $back1 ms after a restart"
note "hsm: PIN changed: readiness $still and $((issued_after - issued_before)) certificates issued while logged in; restart with the old PIN: stopped ($refused_start): \"$pin_message\"; with the new PIN ready in $back2 ms"
note "hsm: $issued certificates issued since the start, $bad not verifying under the issuing CA"
table+=("| HSM: token gone $hsm_outage s and back, restart; PIN changed, restart with the old and the new PIN | 8 enrolling clients (REST, EST), OCSP nonce poller | $requests | $all5 ($doc5) | $missing of $got received | readiness DOWN while the token could not sign ($down1, $after1); signing on after the PIN change; a start with the old PIN stops naming the setting; $issued issued since the start, all verify under the CA | $outcome |")
[ "$outcome" = ok ] || failed=1
