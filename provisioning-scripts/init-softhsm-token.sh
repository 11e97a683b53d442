#!/usr/bin/env bash
# Creates (once) a SoftHSM2 token for FleetCA's CA keys and the configuration files to use it.
#
# Usage: init-softhsm-token.sh <state-dir> [label]
#
#   <state-dir>  directory for the token and its configuration (created if missing):
#                  tokens/          SoftHSM2 token files
#                  softhsm2.conf    SoftHSM2 configuration (export SOFTHSM2_CONF=<this>)
#                  sunpkcs11.cfg    SunPKCS11 configuration (fleetca.keys.pkcs11.config)
#                  user.pin         user PIN, mode 600, only when generated here
#                  so.pin           security officer PIN, mode 600, only when generated here
#   [label]      token label, default "fleetca"
#
# Environment:
#   FLEETCA_KEYS_PKCS11_PIN  user PIN for a new token (default: random, written to user.pin)
#   FLEETCA_SOFTHSM_SO_PIN   SO PIN for a new token (default: random, written to so.pin)
#   SOFTHSM2_LIB             PKCS#11 module, default /usr/lib/softhsm/libsofthsm2.so
#
# Idempotent: a second run finds the token, leaves it and every file untouched and prints
# the same settings. PINs are never printed.
set -euo pipefail
shopt -s inherit_errexit

readonly DEFAULT_LIBRARY=/usr/lib/softhsm/libsofthsm2.so

die() {
    printf 'init-softhsm-token: %s\n' "$*" >&2
    exit 1
}

usage() {
    printf 'Usage: %s <state-dir> [label]\n' "${0##*/}" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
[[ -n "$1" ]] || usage
label="${2:-fleetca}"
[[ -n "$label" && ${#label} -le 32 ]] || die "the token label must be 1 to 32 characters"
[[ "$label" =~ ^[A-Za-z0-9._-]+$ ]] || die "the token label may only contain letters, digits, '.', '_' and '-'"

command -v softhsm2-util >/dev/null 2>&1 \
    || die "softhsm2-util not found: install SoftHSM2 (apt-get install -y softhsm2)"
command -v openssl >/dev/null 2>&1 || die "openssl not found: install it (apt-get install -y openssl)"

library="${SOFTHSM2_LIB:-$DEFAULT_LIBRARY}"
[[ -f "$library" ]] || die "PKCS#11 library $library not found: install SoftHSM2 (apt-get install -y softhsm2) or set SOFTHSM2_LIB"
[[ "$library" != *[[:space:]]* ]] || die "the library path must not contain whitespace: $library"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
template_dir="$script_dir/../hsm-config"
softhsm_template="$template_dir/softhsm2.conf.template"
sunpkcs11_template="$template_dir/sunpkcs11-softhsm2.cfg.template"
[[ -f "$softhsm_template" ]] || die "template $softhsm_template not found (the script expects ../hsm-config next to it)"
[[ -f "$sunpkcs11_template" ]] || die "template $sunpkcs11_template not found (the script expects ../hsm-config next to it)"

mkdir -p -- "$1"
state_dir="$(cd -- "$1" && pwd -P)"
[[ "$state_dir" != *[[:space:]]* ]] || die "the state directory path must not contain whitespace: $state_dir"
token_dir="$state_dir/tokens"
softhsm_conf="$state_dir/softhsm2.conf"
sunpkcs11_cfg="$state_dir/sunpkcs11.cfg"
user_pin_file="$state_dir/user.pin"
so_pin_file="$state_dir/so.pin"

# Writes content to a file only when it differs, so a second run changes nothing.
write_if_changed() {
    local file="$1" content="$2" tmp
    if [[ -f "$file" ]] && [[ "$(cat -- "$file")" == "$content" ]]; then
        echo "unchanged: $file"
        return
    fi
    tmp="$(mktemp "$file.XXXXXX")"
    printf '%s\n' "$content" >"$tmp"
    chmod 644 "$tmp"
    mv -f -- "$tmp" "$file"
    echo "wrote:     $file"
}

# Replaces @NAME@ placeholders; the replacement is quoted so '&' or '\' in it stay literal.
fill() {
    local text="$1"
    shift
    while [[ $# -ge 2 ]]; do
        text="${text//"@$1@"/"$2"}"
        shift 2
    done
    [[ "$text" != *@[A-Z_]*@* ]] || die "unfilled placeholder left in a template: $(grep -o '@[A-Z_]*@' <<<"$text" | head -n 1)"
    printf '%s' "$text"
}

# Prints the label of every initialized token, one per line, without the padding.
initialized_labels() {
    SOFTHSM2_CONF="$softhsm_conf" softhsm2-util --show-slots 2>/dev/null | awk '
        /^[[:space:]]*Initialized:/ { initialized = ($2 == "yes") }
        /^[[:space:]]*Label:/ {
            if (initialized) {
                sub(/^[[:space:]]*Label:[[:space:]]*/, ""); sub(/[[:space:]]+$/, ""); print
            }
            initialized = 0
        }'
}

# Prints the slot id of the token with the given label.
slot_of() {
    SOFTHSM2_CONF="$softhsm_conf" softhsm2-util --show-slots 2>/dev/null | awk -v want="$1" '
        /^Slot [0-9]+/ { slot = $2 }
        /^[[:space:]]*Label:/ {
            sub(/^[[:space:]]*Label:[[:space:]]*/, ""); sub(/[[:space:]]+$/, "")
            if ($0 == want) { print slot; exit }
        }'
}

# Echoes the PIN to use for a new token: from the environment, an earlier generated file, or
# a new random one saved with mode 600. The PIN goes to stdout for capture, never to the terminal.
resolve_pin() {
    local value="$1" file="$2" what="$3"
    if [[ -n "$value" ]]; then
        echo "using the $what from the environment" >&2
        printf '%s' "$value"
    elif [[ -s "$file" ]]; then
        echo "using the $what from $file" >&2
        tr -d '[:space:]' <"$file"
    else
        value="$(openssl rand -hex 8)"
        (umask 077 && printf '%s\n' "$value" >"$file")
        chmod 600 "$file"
        echo "generated a random $what into $file (mode 600)" >&2
        printf '%s' "$value"
    fi
}

echo "state directory: $state_dir"
if [[ ! -d "$token_dir" ]]; then
    mkdir -p -- "$token_dir"
    chmod 700 "$token_dir"
    echo "created:   $token_dir"
fi

content="$(fill "$(cat -- "$softhsm_template")" TOKEN_DIR "$token_dir")"
write_if_changed "$softhsm_conf" "$content"

labels="$(initialized_labels)" || die "softhsm2-util --show-slots failed with SOFTHSM2_CONF=$softhsm_conf"
if grep -qxF -- "$label" <<<"$labels"; then
    echo "unchanged: token '$label' already exists in $token_dir"
else
    if [[ -n "$labels" ]]; then
        die "$token_dir already holds another token ($(paste -sd, <<<"$labels")); sunpkcs11.cfg selects the" \
            "only token by slotListIndex = 0, so use a separate state directory for token '$label'"
    fi
    user_pin="$(resolve_pin "${FLEETCA_KEYS_PKCS11_PIN:-}" "$user_pin_file" "user PIN")"
    so_pin="$(resolve_pin "${FLEETCA_SOFTHSM_SO_PIN:-}" "$so_pin_file" "SO PIN")"
    [[ ${#user_pin} -ge 4 && ${#user_pin} -le 255 ]] || die "the user PIN must be 4 to 255 characters"
    [[ ${#so_pin} -ge 4 && ${#so_pin} -le 255 ]] || die "the SO PIN must be 4 to 255 characters"
    # softhsm2-util prints the new slot id; its output holds no PIN.
    if ! out="$(SOFTHSM2_CONF="$softhsm_conf" softhsm2-util --init-token --free --label "$label" \
            --pin "$user_pin" --so-pin "$so_pin" 2>&1)"; then
        die "softhsm2-util --init-token failed: $out"
    fi
    unset user_pin so_pin
    echo "initialized: token '$label' ($out)"
fi

slot="$(slot_of "$label")"
[[ -n "$slot" ]] || die "token '$label' not found after initialization (SOFTHSM2_CONF=$softhsm_conf)"

content="$(fill "$(cat -- "$sunpkcs11_template")" LIBRARY "$library" SLOT_LIST_INDEX 0)"
write_if_changed "$sunpkcs11_cfg" "$content"

echo
echo "Token '$label' is in SoftHSM2 slot $slot (sunpkcs11.cfg selects it with slotListIndex = 0)."
echo "Run FleetCA against it with this environment:"
echo
echo "  export SOFTHSM2_CONF=$softhsm_conf"
if [[ -f "$user_pin_file" ]]; then
    echo "  export FLEETCA_KEYS_PKCS11_PIN=\"\$(cat $user_pin_file)\"   # or the pin-file property below"
else
    echo "  export FLEETCA_KEYS_PKCS11_PIN=...   # the user PIN this token was initialized with"
fi
echo
echo "and these properties (application.properties, or -D<name>=<value> on the java command line):"
echo
echo "  fleetca.keys.provider=pkcs11"
echo "  fleetca.keys.pkcs11.config=$sunpkcs11_cfg"
if [[ -f "$user_pin_file" ]]; then
    echo "  fleetca.keys.pkcs11.pin-file=$user_pin_file   # instead of FLEETCA_KEYS_PKCS11_PIN"
fi
