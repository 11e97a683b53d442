# shellcheck shell=bash
# Compact JWS (RFC 7515) signing with openssl only: ES256 for an EC P-256 key, RS256 for an
# RSA key of at least 2048 bits. Sourced by the provisioning scripts:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/jws.sh"
#   alg="$(jws_alg "$key" admin)"
#   header="$(jws_header "$alg" "$kid")"            # kid optional
#   sub_json="$(jws_json_string "$subject")"        # one value per assignment
#   claims="{\"sub\":$sub_json,...}"
#   token="$(jws_compact "$key" "$alg" "$header" "$claims" admin)"
#
# Functions only: sourcing it sets no shell options, traps or variables and writes no files.
# On an error a function prints "<script name>: <message>" to stderr and exits with status 1
# (from the subshell when called inside $(...), which then fails the caller's assignment).
# The optional "role" arguments only name the key in those messages ("station", "admin").

# Prints "<script name without .sh>: message" to stderr and exits 1.
jws_die() {
    local prog="${0##*/}"
    printf '%s: %s\n' "${prog%.sh}" "$*" >&2
    exit 1
}

# base64url without padding (RFC 7515 §2) of stdin.
jws_b64url() {
    openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# Writes the bytes of a hex string to stdout.
jws_hex_to_bin() {
    local hex="$1" escaped="" i
    for ((i = 0; i < ${#hex}; i += 2)); do
        escaped+="\\x${hex:i:2}"
    done
    printf '%b' "$escaped"
}

# Prints a string as a JSON string literal (quoted; backslash and double quote escaped).
# Control characters are refused rather than escaped. Assign its output to a variable
# (v="$(jws_json_string "$x")") before use: a failure inside printf's arguments is ignored.
jws_json_string() {
    local s="$1"
    [[ "$s" != *[[:cntrl:]]* ]] || jws_die "control characters are not allowed in token values"
    s="${s//\\/\\\\}"
    s="${s//\"/\\\"}"
    printf '"%s"' "$s"
}

# Prints ES256 or RS256 for the private key file $1, or fails for any other key type.
# $2: role of the key in error messages (default "signing").
jws_alg() {
    local key="$1" role="${2:-signing}" spki bits
    spki="$(openssl pkey -in "$key" -pubout -outform DER | openssl asn1parse -inform DER)" \
        || jws_die "cannot read the $role private key $key"
    if grep -q ':id-ecPublicKey' <<<"$spki"; then
        grep -q ':prime256v1' <<<"$spki" || jws_die "the $role EC key must be on P-256 (prime256v1) for ES256"
        echo ES256
    elif grep -q ':rsaEncryption' <<<"$spki"; then
        bits="$(openssl pkey -in "$key" -noout -text | sed -n '1s/^Private-Key: (\([0-9]*\) bit.*/\1/p')"
        [[ -n "$bits" && "$bits" -ge 2048 ]] || jws_die "the $role RSA key must have at least 2048 bits"
        echo RS256
    else
        jws_die "the $role key must be EC P-256 (ES256) or RSA (RS256)"
    fi
}

# Prints the protected header {"alg":$1,"typ":"JWT"}, with "kid":$2 appended when $2 is given.
jws_header() {
    local alg="$1" kid="${2:-}" alg_json kid_json
    # Separate assignments: a failed $(...) inside printf's arguments would go unnoticed.
    alg_json="$(jws_json_string "$alg")" || exit 1
    if [[ -n "$kid" ]]; then
        kid_json="$(jws_json_string "$kid")" || exit 1
        printf '{"alg":%s,"typ":"JWT","kid":%s}' "$alg_json" "$kid_json"
    else
        printf '{"alg":%s,"typ":"JWT"}' "$alg_json"
    fi
}

# Converts a DER ECDSA-Sig-Value (SEQUENCE { r INTEGER, s INTEGER }) given as hex in $1, as
# openssl dgst writes it, to the JWS ES256 form: r and s as 32-byte big-endian numbers,
# concatenated (RFC 7518 §3.4). Prints the 64 raw bytes.
jws_ecdsa_der_to_raw() {
    local der_hex="$1" parsed hex raw="" count=0
    parsed="$(jws_hex_to_bin "$der_hex" | openssl asn1parse -inform DER)" \
        || jws_die "unexpected ECDSA signature structure from openssl"
    while read -r hex; do
        count=$((count + 1))
        # asn1parse prints the magnitude in hex; drop any sign byte, then left-pad to 32 bytes.
        while [[ ${#hex} -gt 64 && "${hex:0:2}" == "00" ]]; do
            hex="${hex:2}"
        done
        [[ "$hex" =~ ^[0-9A-Fa-f]+$ && ${#hex} -le 64 ]] || jws_die "unexpected ECDSA signature value from openssl"
        while [[ ${#hex} -lt 64 ]]; do
            hex="0$hex"
        done
        raw+="$hex"
    done < <(awk -F: '/prim: INTEGER/ { print $NF }' <<<"$parsed")
    [[ $count -eq 2 ]] || jws_die "unexpected ECDSA signature structure from openssl"
    jws_hex_to_bin "$raw"
}

# Prints the base64url JWS signature of the signing input $3 (header.payload) made with the
# private key file $1 and alg $2 (ES256 or RS256, from jws_alg). $4: role for error messages.
jws_signature() {
    local key="$1" alg="$2" input="$3" role="${4:-signing}" sig_hex
    # Held as hex: shell variables cannot hold the NUL bytes of a binary signature.
    sig_hex="$(printf '%s' "$input" | openssl dgst -sha256 -sign "$key" | od -An -v -tx1 | tr -d ' \n')" \
        || jws_die "openssl could not sign with the $role key $key"
    [[ -n "$sig_hex" ]] || jws_die "openssl could not sign with the $role key $key"
    case "$alg" in
        # RS256: openssl writes the PKCS#1 v1.5 signature, already the JWS form.
        RS256) jws_hex_to_bin "$sig_hex" | jws_b64url ;;
        # ES256: openssl writes DER, which JWS does not accept; convert it to r || s.
        ES256) jws_ecdsa_der_to_raw "$sig_hex" | jws_b64url ;;
        *) jws_die "unsupported JWS algorithm '$alg' (ES256 or RS256)" ;;
    esac
}

# Prints the compact JWS header.payload.signature and a newline. Arguments: private key file,
# alg (from jws_alg), header JSON, claims JSON, role for error messages (optional).
jws_compact() {
    local key="$1" alg="$2" header="$3" claims="$4" role="${5:-signing}" input sig
    input="$(printf '%s' "$header" | jws_b64url).$(printf '%s' "$claims" | jws_b64url)"
    # jws_signature has already said why when it fails.
    sig="$(jws_signature "$key" "$alg" "$input" "$role")" || exit 1
    [[ -n "$sig" ]] || exit 1
    printf '%s.%s\n' "$input" "$sig"
}
