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
# The download is refused (file and broker untouched, exit 1) unless the CRL's signature verifies
# with the CA certificate and its nextUpdate is still in the future.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
url=$1 ca=$2 out=$3
shift 3
tmp=$(mktemp "$(dirname "$out")/.fetch-crl.XXXXXX")
trap 'rm -f "$tmp" "$tmp.der" "$tmp.err"' EXIT

curl -fsS --max-time 120 -o "$tmp.der" "$url"
if ! openssl crl -inform DER -in "$tmp.der" -CAfile "$ca" -out "$tmp" 2>"$tmp.err" || ! grep -q 'verify OK' "$tmp.err"; then
  echo "fetch-crl: the CRL from $url does not verify with $ca; $out left unchanged" >&2
  exit 1
fi
next=$(openssl crl -in "$tmp" -noout -nextupdate | sed 's/^nextUpdate=//')
if [ "$(date -d "$next" +%s)" -le "$(date +%s)" ]; then
  echo "fetch-crl: the CRL from $url expired at $next; $out left unchanged" >&2
  exit 1
fi
if [ -f "$out" ] && cmp -s "$tmp" "$out"; then
  exit 0
fi
chmod 644 "$tmp"
mv -f "$tmp" "$out"
echo "fetch-crl: $out updated ($(openssl crl -in "$out" -noout -crlnumber))"
if [ $# -gt 0 ]; then
  "$@"
fi
