#!/usr/bin/env bash
# Creates an administrator's EC P-256 signing key (once) and the JWKS FleetCA verifies admin
# and auditor tokens with.
#
# Usage: make-admin-jwks.sh <admin-key.pem> <jwks-file>
#
# The key is made by make-station-key.sh (same format: PEM, mode 600) and left unchanged when
# it already exists. Missing parent directories of both files are created. The JWKS file gets {"keys":[<public JWK of the key>]}; it is rewritten only
# when its content differs, so re-running changes nothing. Point FleetCA at it with the
# fleetca.auth.admin-jwks line printed at the end, and sign tokens with admin-token.sh.
# The private key stays with the administrators; only the JWKS goes to the FleetCA host.
#
# Optional environment:
#   FLEETCA_ADMIN_KID  kid given to the key in the JWKS. Set it to the same value for
#                      admin-token.sh: FleetCA does not match a token that names a kid with a
#                      JWKS key that has none.
set -euo pipefail
shopt -s inherit_errexit
# shellcheck source-path=SCRIPTDIR source=lib/jws.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/jws.sh"

die() {
    printf 'make-admin-jwks: %s\n' "$*" >&2
    exit 1
}

[[ $# -eq 2 ]] || { printf 'Usage: %s <admin-key.pem> <jwks-file>\n' "${0##*/}" >&2; exit 2; }
key="$1"
jwks="$2"
jwks_dir="$(dirname -- "$jwks")"
[[ ! -d "$jwks" ]] || die "$jwks is a directory"
for dir in "$(dirname -- "$key")" "$jwks_dir"; do
    if [[ ! -d "$dir" ]]; then
        mkdir -p -- "$dir" || die "cannot create the directory $dir"
        echo "created the directory $dir" >&2
    fi
done

kid="${FLEETCA_ADMIN_KID:-}"
kid_json=""
if [[ -n "$kid" ]]; then
    kid_json="$(jws_json_string "$kid")"
fi

key_existed=false
[[ -e "$key" ]] && key_existed=true
jwk="$("$(dirname "${BASH_SOURCE[0]}")/make-station-key.sh" "$key")" \
    || die "could not create or read the admin key $key (see above)"
[[ "$jwk" == '{"kty":"EC",'*'}' ]] || die "unexpected output from make-station-key.sh: $jwk"
if ! $key_existed; then
    echo "($key is the admin signing key for admin-token.sh: keep it with the administrators, not on the FleetCA host)" >&2
fi
if [[ -n "$kid_json" ]]; then
    jwk="${jwk%\}},\"kid\":$kid_json}"
fi
content="{\"keys\":[$jwk]}"

if [[ -f "$jwks" ]] && [[ "$(cat -- "$jwks")" == "$content" ]]; then
    echo "the JWKS $jwks already holds the public key of $key${kid:+ (kid $kid)} (unchanged)" >&2
else
    existed=false
    [[ -e "$jwks" ]] && existed=true
    tmp="$(mktemp "$jwks.XXXXXX")" || die "cannot create $jwks"
    trap 'rm -f -- "$tmp"' EXIT
    printf '%s\n' "$content" >"$tmp"
    chmod 644 "$tmp"
    mv -- "$tmp" "$jwks"
    trap - EXIT
    if $existed; then
        echo "replaced $jwks with a JWKS holding only the public key of $key${kid:+ (kid $kid)}" >&2
    else
        echo "wrote the JWKS $jwks (public key of $key${kid:+, kid $kid})" >&2
    fi
fi

abs="$(cd -- "$jwks_dir" && pwd -P)/$(basename -- "$jwks")"
cat >&2 <<MSG
Set in FleetCA's configuration (or as the environment variable FLEETCA_AUTH_ADMIN_JWKS):
fleetca.auth.admin-jwks=$abs
MSG
