#!/usr/bin/env bash
# Station-side walk-through of a FleetCA device enrollment, using only openssl and curl.
#
# Usage:
#   enroll-device.sh <fleetca-url> <station-id> <station-private-key.pem> <device-id> [profile]
#   enroll-device.sh --token-only <station-id> <station-private-key.pem> <device-id>
#
# The first form:
#   1. creates the device's EC P-256 key and CSR in ./<device-id>/ (device.key, device.csr).
#      A key or CSR left by an earlier run is reused, so a retry asks for the same key.
#   2. signs a one-time station token: a compact JWS (ES256 for an EC P-256 station key,
#      RS256 for an RSA key) with header kid = station id and claims iss = station id,
#      sub = device id, aud = fleetca, iat, exp = iat + 300 s, a random jti, and csr_spki_sha256 =
#      base64url(SHA-256(the CSR's SubjectPublicKeyInfo, DER)), which binds the token to the device
#      key (required by stations registered with requireKeyBinding, checked for all).
#   3. POSTs {"profile", "csr"} to <fleetca-url>/api/v1/devices/<device-id>/certificates.
#   4. saves the returned PEM chain (device certificate first, root last) to
#      ./<device-id>/chain.pem.
#   5. checks the chain with openssl verify and that the certificate carries the device key,
#      then writes the device certificate alone to ./<device-id>/device.crt.
# profile defaults to "idevid".
#
# The second form prints only the station token (no device key and no request, so no
# csr_spki_sha256). Use it to inspect or test the token.
#
# Optional environment:
#   FLEETCA_ROOT_CA  PEM file of the FleetCA root to trust. Without it the root at the end
#                    of the returned chain is used, which only shows the chain is consistent.
#                    Pin the root on real stations.
#   FLEETCA_TLS_CA   CA bundle used to check the FleetCA server's TLS certificate (curl --cacert).
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source-path=SCRIPTDIR source=lib/jws.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/jws.sh"

readonly TOKEN_LIFETIME=300
readonly AUDIENCE=fleetca

die() {
    printf 'enroll-device: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<EOF
Usage: ${0##*/} <fleetca-url> <station-id> <station-private-key.pem> <device-id> [profile]
       ${0##*/} --token-only <station-id> <station-private-key.pem> <device-id>
EOF
    exit 2
}

say() {
    printf '%s\n' "$*" >&2
}

# Prints a compact JWS signed by the station for one enrollment of one device.
# Arguments: station id, station key file, device id, alg (from jws_alg), and optionally the
# csr_spki_sha256 value binding the token to the device key.
build_token() {
    local station_id="$1" key="$2" device_id="$3" alg="$4" binding="${5:-}" now header claims extra=""
    now="$(date +%s)"
    header="$(jws_header "$alg" "$station_id")"
    if [[ -n "$binding" ]]; then
        extra="$(printf ',"csr_spki_sha256":"%s"' "$binding")"
    fi
    claims="$(printf '{"iss":"%s","sub":"%s","aud":"%s","iat":%d,"exp":%d,"jti":"%s"%s}' \
        "$station_id" "$device_id" "$AUDIENCE" "$now" "$((now + TOKEN_LIFETIME))" "$(openssl rand -hex 16)" "$extra")"
    jws_compact "$key" "$alg" "$header" "$claims" station
}

check_station_id() {
    [[ "$1" =~ ^[A-Za-z0-9._:-]{1,128}$ ]] || die "station id '$1' is not a FleetCA station id (such as a UUID)"
}

check_device_id() {
    # The same rule as the server: what fits a CN and a URL path segment without escaping.
    [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$ ]] \
        || die "device id must be 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
}

command -v openssl >/dev/null 2>&1 || die "openssl not found: install it (apt-get install -y openssl)"
work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT

if [[ "${1:-}" == "--token-only" ]]; then
    [[ $# -eq 4 ]] || usage
    check_station_id "$2"
    [[ -f "$3" ]] || die "station private key $3 not found"
    check_device_id "$4"
    alg="$(jws_alg "$3" station)"
    build_token "$2" "$3" "$4" "$alg"
    exit 0
fi

[[ $# -eq 4 || $# -eq 5 ]] || usage
url="${1%/}"
station_id="$2"
station_key="$3"
device_id="$4"
profile="${5:-idevid}"
[[ "$url" =~ ^https?://[^[:space:]]+$ ]] || die "the FleetCA URL must start with http:// or https://"
check_station_id "$station_id"
[[ -f "$station_key" ]] || die "station private key $station_key not found"
check_device_id "$device_id"
[[ "$profile" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "profile '$profile' is not a profile name"
command -v curl >/dev/null 2>&1 || die "curl not found: install it (apt-get install -y curl)"
if [[ -n "${FLEETCA_ROOT_CA:-}" ]]; then
    [[ -f "$FLEETCA_ROOT_CA" ]] || die "FLEETCA_ROOT_CA=$FLEETCA_ROOT_CA is not a file"
fi
curl_tls=()
if [[ -n "${FLEETCA_TLS_CA:-}" ]]; then
    [[ -f "$FLEETCA_TLS_CA" ]] || die "FLEETCA_TLS_CA=$FLEETCA_TLS_CA is not a file"
    curl_tls=(--cacert "$FLEETCA_TLS_CA")
fi

alg="$(jws_alg "$station_key" station)"

dir="./$device_id"
mkdir -p -- "$dir"

# 1. Device key and CSR. In production the key is generated on the device (ideally in its
#    secure element) and only the CSR leaves it; here the station plays the device.
if [[ -f "$dir/device.key" ]]; then
    say "1. reusing the device key $dir/device.key"
else
    (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
        -pkeyopt ec_param_enc:named_curve -out "$dir/device.key" 2>/dev/null) \
        || die "openssl could not generate the device key"
    say "1. generated the device key $dir/device.key (EC P-256, mode 600)"
fi
openssl pkey -in "$dir/device.key" -pubout -out "$work/device.pub"
if [[ -f "$dir/device.csr" ]] && openssl req -in "$dir/device.csr" -noout -verify 2>/dev/null \
        && cmp -s "$work/device.pub" <(openssl req -in "$dir/device.csr" -noout -pubkey); then
    say "   reusing the CSR $dir/device.csr"
else
    openssl req -new -key "$dir/device.key" -sha256 -subj "/CN=$device_id" -out "$dir/device.csr" \
        || die "openssl could not create the CSR"
    say "   wrote the CSR $dir/device.csr (subject CN=$device_id)"
fi

# 2. Station token: proves the station authorized this enrollment (single use, 5 minutes), bound
#    to the device key, so a token seen by someone else is useless with any other key.
openssl req -in "$dir/device.csr" -noout -pubkey | openssl pkey -pubin -outform DER -out "$work/device.spki.der" \
    || die "openssl could not read the CSR's public key"
binding="$(openssl dgst -sha256 -binary "$work/device.spki.der" | jws_b64url)"
token="$(build_token "$station_id" "$station_key" "$device_id" "$alg" "$binding")"
say "2. signed an $alg station token for device $device_id (kid $station_id, valid ${TOKEN_LIFETIME}s, csr_spki_sha256 $binding)"

# 3. Enrollment request. The PEM lines are joined with JSON "\n" escapes; PEM has no other
#    character that needs escaping, and the ids were checked above.
csr_json="$(awk '{ sub(/\r$/, ""); printf "%s\\n", $0 }' "$dir/device.csr")"
printf '{"profile":"%s","csr":"%s"}' "$profile" "$csr_json" >"$work/request.json"
# The headers go through a file so that the token does not show in the process list.
printf 'Authorization: Bearer %s\nAccept: application/pem-certificate-chain\nContent-Type: application/json\n' \
    "$token" >"$work/headers"
endpoint="$url/api/v1/devices/$device_id/certificates"
say "3. POST $endpoint (profile $profile)"
status="$(curl -sS --max-time 60 "${curl_tls[@]}" -X POST -H @"$work/headers" \
    --data-binary @"$work/request.json" -o "$work/response" -w '%{http_code}' "$endpoint")" \
    || die "the request to $endpoint failed (see the curl error above)"
if [[ "$status" != 200 && "$status" != 201 ]]; then
    say "FleetCA refused the enrollment: HTTP $status"
    cat -- "$work/response" >&2
    echo >&2
    exit 1
fi
grep -q -- '-----BEGIN CERTIFICATE-----' "$work/response" \
    || die "HTTP $status but the response is not a PEM certificate chain: $(head -c 500 "$work/response")"
cp -- "$work/response" "$dir/chain.pem"
say "   HTTP $status ($([[ "$status" == 201 ]] && echo "new certificate" || echo "already issued for this key")): saved $dir/chain.pem"

# 4. Split the chain: device certificate first, then the issuing CA(s), the root last.
count="$(awk -v dir="$work" '
    /-----BEGIN CERTIFICATE-----/ { n++; inside = 1 }
    inside { print > (dir "/cert-" n ".pem") }
    /-----END CERTIFICATE-----/ { inside = 0; close(dir "/cert-" n ".pem") }
    END { print n + 0 }' "$work/response")"
[[ "$count" -ge 2 ]] || die "the chain holds $count certificate(s); expected the device certificate up to the root"
: >"$work/intermediates.pem"
for ((i = 2; i < count; i++)); do
    cat -- "$work/cert-$i.pem" >>"$work/intermediates.pem"
done
if [[ -n "${FLEETCA_ROOT_CA:-}" ]]; then
    root="$FLEETCA_ROOT_CA"
    say "4. verifying against the pinned root $root"
else
    root="$work/cert-$count.pem"
    say "4. verifying against the root at the end of the chain (set FLEETCA_ROOT_CA to pin the real root)"
fi
untrusted=()
if [[ -s "$work/intermediates.pem" ]]; then
    untrusted=(-untrusted "$work/intermediates.pem")
fi
openssl verify -CAfile "$root" "${untrusted[@]}" "$work/cert-1.pem" >&2 \
    || die "the returned chain does not verify (kept in $dir/chain.pem for inspection)"
cmp -s "$work/device.pub" <(openssl x509 -in "$work/cert-1.pem" -noout -pubkey) \
    || die "the certificate does not carry the device's public key (kept in $dir/chain.pem for inspection)"
cp -- "$work/cert-1.pem" "$dir/device.crt"

say "   the certificate carries the device key; it is in $dir/device.crt"
openssl x509 -in "$work/cert-1.pem" -noout -subject -issuer -serial -enddate >&2
