#!/usr/bin/env bash
# Keeps a broker's CRL file current, for brokers that read a PEM CRL from disk (Mosquitto
# `crlfile`, HAProxy `crl-file`, NGINX `ssl_crl`). Run it from cron or a systemd timer more often
# than fleetca.crl.publish-delay if revocations must reach the broker quickly.
#
# Usage: fetch-crl.sh <crl-url> <ca-certificate.pem> <out.pem> [reload command ...]
#
#   <crl-url>             the CRL distribution point, e.g. https://ca.example.com/crl/dev-issuing.crl
#   <ca-certificate.pem>  the issuing CA certificate the CRL must be signed by
#                         (curl <public-url>/api/v1/cas/<caId>/certificate | openssl x509 -inform DER)
#   <out.pem>             the file the broker reads; replaced atomically, only when the CRL changed
#   reload command        run after a change, e.g. pkill -HUP -x mosquitto
#
# The download is refused (file and broker untouched, exit 1) unless the CRL is issued by the CA
# certificate's subject and its signature verifies, its nextUpdate is in the future, it is a
# complete CRL (no Delta CRL Indicator, RFC 5280 §5.2.4), it has a CRL number, and that number is
# not lower than the installed file's (RFC 5280 §5.2.3: numbers only grow, so a lower one is a replay).
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,17p' "$0" >&2
  exit 2
fi
url=$1 ca=$2 out=$3
shift 3
tmp=$(mktemp "$(dirname "$out")/.fetch-crl.XXXXXX")
trap 'rm -f "$tmp" "$tmp.der" "$tmp.err"' EXIT

refuse() {
  echo "fetch-crl: the CRL from $url $1; $out left unchanged" >&2
  exit 1
}

# Prints a CRL's number as upper-case hex without leading zeros, or nothing if it has none.
# (Compared as strings: CRL numbers may be 20 octets, beyond shell arithmetic.)
crl_number() {
  local n
  n=$(openssl crl -in "$1" -noout -crlnumber 2>/dev/null | sed -n 's/^crlNumber=//p')
  case "$n" in
    '' | '<NONE>') return 0 ;;
  esac
  n=${n#0x}
  n=$(printf '%s' "$n" | tr 'a-f' 'A-F' | sed 's/^0*//')
  printf '%s' "${n:-0}"
}

# Exit 0 if hex number $1 is lower than hex number $2.
hex_lower() {
  [ "${#1}" -lt "${#2}" ] || { [ "${#1}" -eq "${#2}" ] && [[ "$1" < "$2" ]]; }
}

curl -fsS --max-time 120 -o "$tmp.der" "$url"
if ! openssl crl -inform DER -in "$tmp.der" -out "$tmp" 2>"$tmp.err"; then
  refuse "is not a DER CRL"
fi
issuer=$(openssl crl -in "$tmp" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
subject=$(openssl x509 -in "$ca" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
if [ "$issuer" != "$subject" ]; then
  refuse "is issued by \"$issuer\", not by $ca (\"$subject\")"
fi
if ! openssl crl -in "$tmp" -noout -CAfile "$ca" 2>"$tmp.err" || ! grep -q 'verify OK' "$tmp.err"; then
  refuse "does not verify with $ca"
fi
next=$(openssl crl -in "$tmp" -noout -nextupdate | sed 's/^nextUpdate=//')
if [ "$(date -d "$next" +%s)" -le "$(date +%s)" ]; then
  refuse "expired at $next"
fi
# A delta CRL lists only the changes since its base: installed alone, every older revocation is lost.
if openssl crl -in "$tmp" -noout -text | grep -q 'Delta CRL Indicator'; then
  refuse "is a delta CRL, not a complete CRL"
fi
number=$(crl_number "$tmp")
if [ -z "$number" ]; then
  refuse "has no CRL number"
fi
if [ -f "$out" ]; then
  installed=$(crl_number "$out")
  if [ -n "$installed" ]; then
    if hex_lower "$number" "$installed"; then
      refuse "has CRL number 0x$number, lower than the installed 0x$installed (an older CRL)"
    fi
    if [ "$number" = "$installed" ]; then
      if cmp -s "$tmp" "$out"; then
        echo "fetch-crl: $out unchanged (CRL number 0x$number)"
        exit 0
      fi
      refuse "has the installed CRL number 0x$number but different content"
    fi
  fi
fi
chmod 644 "$tmp"
mv -f "$tmp" "$out"
echo "fetch-crl: $out updated (CRL number 0x$number)"
if [ $# -gt 0 ]; then
  "$@"
fi
