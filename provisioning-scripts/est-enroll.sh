#!/usr/bin/env bash
# Enrolls a device over EST (RFC 7030) with curl and openssl only, as a station or a device in the field.
#
# Usage: est-enroll.sh <est-base-url> <root-ca.pem> <device-id> [out-dir]
#
#   <est-base-url>  e.g. https://ca.example.com:8443/.well-known/est (append /<profile> to choose a profile)
#   <root-ca.pem>   FleetCA's root certificate: the EST server's TLS certificate must chain to it
#                   (curl <public-url>/api/v1/cas/<rootId>/certificate | openssl x509 -inform DER)
#   <device-id>     the device; its key and certificate go to <out-dir>/<device-id>/ (default: .)
#
# Exactly one authorization, from the environment (never on the command line, where ps shows it):
#   FLEETCA_EST_CODE   a one-time enrollment code (HTTP Basic, username = device id)
#   FLEETCA_EST_TOKEN  a station token for this device (Authorization: Bearer; make one with
#                      provisioning-scripts/lib/jws.sh, as enroll-device.sh does)
#
# Writes device.key (EC P-256, mode 600, kept when it exists), device.csr.der, device.pem (the
# certificate) and chain.pem (from cacerts), and checks the certificate with openssl verify.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,18p' "$0" >&2
  exit 2
fi
base=${1%/}
root=$2
device=$3
dir="${4:-.}/$device"
if [ -n "${FLEETCA_EST_CODE:-}" ] && [ -z "${FLEETCA_EST_TOKEN:-}" ]; then
  auth=(-u "$device:$FLEETCA_EST_CODE")
elif [ -n "${FLEETCA_EST_TOKEN:-}" ] && [ -z "${FLEETCA_EST_CODE:-}" ]; then
  auth=(-H "Authorization: Bearer $FLEETCA_EST_TOKEN")
else
  echo "est-enroll: set exactly one of FLEETCA_EST_CODE or FLEETCA_EST_TOKEN" >&2
  exit 2
fi
mkdir -p "$dir"
umask 077
if [ ! -f "$dir/device.key" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/device.key"
fi
openssl req -new -key "$dir/device.key" -subj "/CN=$device" -outform DER -out "$dir/device.csr.der"
umask 022

# RFC 7030 §4.1: the CA chain, certs-only PKCS#7, base64 (RFC 8951).
curl -sS --fail --cacert "$root" "$base/cacerts" | base64 -d \
  | openssl pkcs7 -inform DER -print_certs -out "$dir/chain.pem"
# RFC 7030 §4.2: the CSR as base64 DER; the answer is the certificate as certs-only PKCS#7, base64.
status=$(base64 -w 64 "$dir/device.csr.der" | curl -sS --cacert "$root" "${auth[@]}" \
  -H 'Content-Type: application/pkcs10' --data-binary @- -o "$dir/response.b64" -w '%{http_code}' \
  "$base/simpleenroll")
if [ "$status" != 200 ]; then
  echo "est-enroll: simpleenroll answered HTTP $status: $(cat "$dir/response.b64")" >&2
  exit 1
fi
base64 -d "$dir/response.b64" | openssl pkcs7 -inform DER -print_certs -out "$dir/device.pem"
rm -f "$dir/response.b64"
openssl verify -CAfile "$dir/chain.pem" "$dir/device.pem" >/dev/null
echo "est-enroll: $dir/device.pem issued to $device ($(openssl x509 -in "$dir/device.pem" -noout -serial))"
