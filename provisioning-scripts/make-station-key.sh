#!/usr/bin/env bash
# Creates a provisioning station's EC P-256 signing key (once) and prints its public JWK.
#
# Usage: make-station-key.sh [key-file]        (default: ./station.key)
#
# The private key (PEM, mode 600) stays on the station. It signs the ES256 enrollment tokens
# that enroll-device.sh sends. Register the printed public JWK with FleetCA as the station's
# "publicKey" (POST /api/v1/stations). Idempotent: when the key file already exists it is
# left unchanged and the same JWK is printed again. Only the JWK goes to stdout, so
#   make-station-key.sh > station.jwk.json
# captures it.
set -euo pipefail
shopt -s inherit_errexit

die() {
    printf 'make-station-key: %s\n' "$*" >&2
    exit 1
}

[[ $# -le 1 ]] || { printf 'Usage: %s [key-file]\n' "${0##*/}" >&2; exit 2; }
key="${1:-station.key}"
command -v openssl >/dev/null 2>&1 || die "openssl not found: install it (apt-get install -y openssl)"

b64url() {
    openssl base64 -A | tr '+/' '-_' | tr -d '='
}

if [[ -e "$key" ]]; then
    echo "using the existing station key $key (unchanged)" >&2
else
    tmp="$(mktemp "$key.XXXXXX")" || die "cannot create $key"
    trap 'rm -f -- "$tmp"' EXIT
    chmod 600 "$tmp"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve \
        -out "$tmp" 2>/dev/null || die "openssl could not generate an EC P-256 key"
    mv -- "$tmp" "$key"
    trap - EXIT
    echo "generated the EC P-256 station key $key (mode 600); keep it on the station" >&2
fi

# SubjectPublicKeyInfo of a named-curve P-256 key: 26 bytes of algorithm identifiers and
# BIT STRING header, then the 65-byte uncompressed point 0x04 || x (32 bytes) || y (32 bytes).
spki="$(mktemp)"
trap 'rm -f -- "$spki"' EXIT
openssl ec -in "$key" -pubout -outform DER -out "$spki" 2>/dev/null \
    || die "$key is not a readable EC private key"
openssl ec -in "$key" -noout -text 2>/dev/null | grep -q 'NIST CURVE: P-256' \
    || die "$key is not an EC P-256 (prime256v1) key; this script only makes ES256 (P-256) station keys"
[[ "$(wc -c <"$spki")" -eq 91 ]] || die "unexpected public key encoding in $key (not a named-curve P-256 key)"
[[ "$(tail -c 65 "$spki" | head -c 1 | od -An -tx1 | tr -d ' \n')" == "04" ]] \
    || die "the public key in $key is not an uncompressed EC point"

x="$(tail -c 64 "$spki" | head -c 32 | b64url)"
y="$(tail -c 32 "$spki" | b64url)"
printf '{"kty":"EC","crv":"P-256","x":"%s","y":"%s"}\n' "$x" "$y"
