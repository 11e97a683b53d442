#!/usr/bin/env bash
# Enrolls or renews a device over EST (RFC 7030) with curl and openssl only, as a provisioning
# station or as the device itself in the field.
#
# Usage: est-enroll.sh <est-base-url> <root-ca.pem> <device-id> [out-dir]
#
#   <est-base-url>  e.g. https://ca.example.com:8443/.well-known/est (append /<profile> to choose a profile)
#   <root-ca.pem>   FleetCA's root certificate: the EST server's TLS certificate must chain to it
#                   (curl <public-url>/api/v1/cas/<rootId>/certificate | openssl x509 -inform DER)
#   <device-id>     the device; its key and certificate live in <out-dir>/<device-id>/ (default: .)
#
# Enrollment (simpleenroll) needs exactly one credential, from the environment (never the command
# line, where ps shows it):
#   FLEETCA_EST_CODE                 a one-time enrollment code (HTTP Basic, username = device id)
#   FLEETCA_EST_TOKEN                a station token for this device (Authorization: Bearer)
#   FLEETCA_EST_CLIENT_CERT and _KEY a station's TLS client certificate and key (PEM); the CSR then
#                                    names the device in its subject (CN)
# Renewal (simplereenroll): FLEETCA_EST_RENEW=1 authenticates with the device's current device.pem and
# device.key as TLS client certificate, asks for a certificate with the same subject for a new key
# (FLEETCA_EST_KEEP_KEY=1 keeps the current key), and replaces both files once it has the new one.
#
# Writes device.key (EC P-256, mode 600), device.pem (the certificate) and chain.pem (from cacerts),
# and checks the certificate with openssl verify.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,24p' "$0" >&2
  exit 2
fi
base=${1%/}
root=$2
device=$3
dir="${4:-.}/$device"
mkdir -p "$dir"
tls=(--cacert "$root")
# Credentials reach curl through a config file on a pipe (-K), never as arguments that ps would show.
auth_config() { :; }
if [ "${FLEETCA_EST_RENEW:-}" = 1 ]; then
  operation=simplereenroll
  tls+=(--cert "$dir/device.pem" --key "$dir/device.key")
elif [ -n "${FLEETCA_EST_CODE:-}" ]; then
  operation=simpleenroll
  auth_config() { printf 'user = "%s:%s"\n' "$device" "$FLEETCA_EST_CODE"; }
elif [ -n "${FLEETCA_EST_TOKEN:-}" ]; then
  operation=simpleenroll
  auth_config() { printf 'header = "Authorization: Bearer %s"\n' "$FLEETCA_EST_TOKEN"; }
elif [ -n "${FLEETCA_EST_CLIENT_CERT:-}" ] && [ -n "${FLEETCA_EST_CLIENT_KEY:-}" ]; then
  operation=simpleenroll
  tls+=(--cert "$FLEETCA_EST_CLIENT_CERT" --key "$FLEETCA_EST_CLIENT_KEY")
else
  echo "est-enroll: set FLEETCA_EST_CODE, FLEETCA_EST_TOKEN, FLEETCA_EST_CLIENT_CERT with _KEY, or FLEETCA_EST_RENEW=1" >&2
  exit 2
fi

umask 077
key="$dir/device.key"
if [ "$operation" = simplereenroll ]; then
  if [ "${FLEETCA_EST_KEEP_KEY:-}" != 1 ]; then
    key="$dir/device.key.next"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$key"
  fi
  # RFC 7030 §4.2.2: the CSR carries the current certificate's subject, exactly.
  openssl x509 -x509toreq -in "$dir/device.pem" -signkey "$key" -out "$dir/device.csr.pem" 2>/dev/null
  openssl req -in "$dir/device.csr.pem" -outform DER -out "$dir/device.csr.der"
  rm -f "$dir/device.csr.pem"
else
  [ -f "$key" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$key"
  openssl req -new -key "$key" -subj "/CN=$device" -outform DER -out "$dir/device.csr.der"
fi
umask 022

# RFC 7030 §4.1: the CA chain, certs-only PKCS#7, base64 (RFC 8951).
curl -sS --fail "${tls[@]}" "$base/cacerts" | base64 -d | openssl pkcs7 -inform DER -print_certs -out "$dir/chain.pem"
# RFC 7030 §4.2: the CSR as base64 DER; the answer is the certificate as certs-only PKCS#7, base64.
status=$(base64 -w 64 "$dir/device.csr.der" | curl -sS "${tls[@]}" -K <(auth_config) \
  -H 'Content-Type: application/pkcs10' --data-binary @- -o "$dir/response.b64" -w '%{http_code}' "$base/$operation")
if [ "$status" != 200 ]; then
  echo "est-enroll: $operation answered HTTP $status: $(cat "$dir/response.b64")" >&2
  rm -f "$dir/response.b64" "$dir/device.key.next"
  exit 1
fi
base64 -d "$dir/response.b64" | openssl pkcs7 -inform DER -print_certs -out "$dir/device.pem.next"
rm -f "$dir/response.b64"
openssl verify -CAfile "$dir/chain.pem" "$dir/device.pem.next" >/dev/null
mv -f "$dir/device.pem.next" "$dir/device.pem"
if [ -f "$dir/device.key.next" ]; then
  mv -f "$dir/device.key.next" "$dir/device.key"
fi
echo "est-enroll: $dir/device.pem issued to $device by $operation ($(openssl x509 -in "$dir/device.pem" -noout -serial))"
