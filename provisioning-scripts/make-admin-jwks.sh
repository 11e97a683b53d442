#!/usr/bin/env bash
# Creates an administrator's EC P-256 signing key (once) and the JWKS FleetCA verifies admin
# and auditor tokens with.
#
# Usage: make-admin-jwks.sh <admin-key.pem> <jwks-file>
#
# The key is made by make-station-key.sh (same format: PEM, mode 600) and left unchanged when
# it already exists. The JWKS file gets {"keys":[<public JWK of the key>]}; it is rewritten only
# when its content differs, so re-running changes nothing. Point FleetCA at it with the
# fleetca.auth.admin-jwks line printed at the end, and sign tokens with admin-token.sh.
# The private key stays with the administrators; only the JWKS goes to the FleetCA host.
set -euo pipefail
shopt -s inherit_errexit

die() {
    printf 'make-admin-jwks: %s\n' "$*" >&2
    exit 1
}

[[ $# -eq 2 ]] || { printf 'Usage: %s <admin-key.pem> <jwks-file>\n' "${0##*/}" >&2; exit 2; }
key="$1"
jwks="$2"
jwks_dir="$(dirname -- "$jwks")"
[[ -d "$jwks_dir" ]] || die "directory $jwks_dir (for $jwks) does not exist"
[[ ! -d "$jwks" ]] || die "$jwks is a directory"

jwk="$("$(dirname "${BASH_SOURCE[0]}")/make-station-key.sh" "$key")" \
    || die "could not create or read the admin key $key (see above)"
[[ "$jwk" == '{"kty":"EC",'*'}' ]] || die "unexpected output from make-station-key.sh: $jwk"
content="{\"keys\":[$jwk]}"

if [[ -f "$jwks" ]] && [[ "$(cat -- "$jwks")" == "$content" ]]; then
    echo "the JWKS $jwks already holds the public key of $key (unchanged)" >&2
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
        echo "replaced $jwks with a JWKS holding only the public key of $key" >&2
    else
        echo "wrote the JWKS $jwks (public key of $key)" >&2
    fi
fi

abs="$(cd -- "$jwks_dir" && pwd -P)/$(basename -- "$jwks")"
cat >&2 <<MSG
Set in FleetCA's configuration (or as the environment variable FLEETCA_AUTH_ADMIN_JWKS):
fleetca.auth.admin-jwks=$abs
MSG
