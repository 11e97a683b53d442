#!/usr/bin/env bash
# Signs a short-lived FleetCA admin (or auditor) JWT with an administrator's private key.
#
# Usage: admin-token.sh <admin-private-key.pem> [group] [subject]
#
#   group    admin (default) or auditor
#   subject  who is calling, for FleetCA's audit log (default: $USER, or "operator")
#
# Prints only the token on stdout, so that
#   curl -H "Authorization: Bearer $(admin-token.sh admin.key)" ...
# works. The token is a compact JWS: ES256 for an EC P-256 key, RS256 for an RSA key of at
# least 2048 bits, header {"alg","typ":"JWT"} (plus "kid" when FLEETCA_ADMIN_KID is set), claims
# iss, aud = fleetca, sub, iat, exp = iat + 900 s and groups = [group]. FleetCA accepts it when
# the key's public JWK is in the JWKS named by fleetca.auth.admin-jwks (make-admin-jwks.sh
# writes one) and iss matches fleetca.auth.admin-issuer.
#
# Optional environment:
#   FLEETCA_ADMIN_ISSUER  iss claim (default fleetca-admin, FleetCA's default admin issuer)
#   FLEETCA_ADMIN_KID     kid header, only when the JWKS key carries that kid (make-admin-jwks.sh
#                         adds it when run with the same FLEETCA_ADMIN_KID)
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source-path=SCRIPTDIR source=lib/jws.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/jws.sh"

readonly TOKEN_LIFETIME=900
readonly AUDIENCE=fleetca

die() {
    printf 'admin-token: %s\n' "$*" >&2
    exit 1
}

usage() {
    printf 'Usage: %s <admin-private-key.pem> [group] [subject]   (group: admin or auditor)\n' "${0##*/}" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 3 ]] || usage
key="$1"
group="${2:-admin}"
subject="${3:-${USER:-operator}}"
[[ -n "$subject" ]] || subject=operator
issuer="${FLEETCA_ADMIN_ISSUER:-fleetca-admin}"
kid="${FLEETCA_ADMIN_KID:-}"

command -v openssl >/dev/null 2>&1 || die "openssl not found: install it (apt-get install -y openssl)"
[[ "$group" == admin || "$group" == auditor ]] || die "group must be admin or auditor, not '$group'"
[[ -f "$key" ]] || die "admin private key $key not found"

alg="$(jws_alg "$key" admin)"
now="$(date +%s)"
header="$(jws_header "$alg" "$kid")"
# One assignment each, so that a refused value (control characters) stops the script.
iss_json="$(jws_json_string "$issuer")"
aud_json="$(jws_json_string "$AUDIENCE")"
sub_json="$(jws_json_string "$subject")"
group_json="$(jws_json_string "$group")"
claims="$(printf '{"iss":%s,"aud":%s,"sub":%s,"iat":%d,"exp":%d,"groups":[%s]}' \
    "$iss_json" "$aud_json" "$sub_json" "$now" "$((now + TOKEN_LIFETIME))" "$group_json")"
token="$(jws_compact "$key" "$alg" "$header" "$claims" admin)"
printf '%s\n' "$token"
printf 'admin-token: signed an %s token for sub %s, groups [%s], iss %s%s, valid %ds\n' \
    "$alg" "$subject" "$group" "$issuer" "${kid:+, kid $kid}" "$TOKEN_LIFETIME" >&2
