#!/usr/bin/env python3
"""Enrollment load for the fault suite: records every answer, so that what clients got can be compared
with the ledger afterwards.

load.py REST_URL EST_URL ROOT_PEM STATION_ID STATION_KEY PREFIX THREADS SECONDS OUT [STOP_FILE]

THREADS threads (three in four over REST, the rest over EST simpleenroll with a Bearer token) enroll
fresh devices PREFIX-<thread>-<n> until SECONDS have passed or STOP_FILE exists: each a new EC P-256
key and CSR and a one-time ES256 station token (station key: PEM EC P-256). Every answer is one
tab-separated line in OUT:
    kind  status  millis  serial  sha256(DER)  retry_after  problem_type  answered_at (epoch ms)
kind is rest or est; status the HTTP status, or "conn" (refused or reset: the server is down) or
"timeout" (no answer within 30 s: a hang). serial and sha256 are set for certificates received.
Needs python3-cryptography (Debian 12: 38.x)."""
import base64, hashlib, http.client, json, os, socket, ssl, sys, threading, time, urllib.parse
import station_token
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7

rest_url, est_url, root_pem, station, key_file, prefix = sys.argv[1:7]
threads, seconds, out = int(sys.argv[7]), float(sys.argv[8]), sys.argv[9]
stop_file = sys.argv[10] if len(sys.argv) > 10 else None
station_key = serialization.load_pem_private_key(open(key_file, "rb").read(), None)
tls = ssl.create_default_context(cafile=root_pem)
tls.check_hostname = False  # the EST server certificate names 127.0.0.1 as an iPAddress SAN; checked by the EST tests
lock = threading.Lock()
lines = open(out, "a", buffering=1)
deadline = time.time() + seconds


def token(device):
    return station_token.token(station, station_key, device)


def csr(device):
    return station_token.csr(device, ec.generate_private_key(ec.SECP256R1()))


def connection(url):
    u = urllib.parse.urlsplit(url)
    if u.scheme == "https":
        return http.client.HTTPSConnection(u.hostname, u.port, timeout=30, context=tls)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def record(kind, status, started, der=None, retry="", problem=""):
    serial = digest = ""
    if der is not None:
        cert = x509.load_der_x509_certificate(der)
        serial, digest = format(cert.serial_number, "x"), hashlib.sha256(der).hexdigest()
    with lock:
        lines.write(f"{kind}\t{status}\t{int((time.time() - started) * 1000)}\t{serial}\t{digest}\t{retry}\t{problem}"
                    f"\t{int(time.time() * 1000)}\n")


def enroll_once(kind, device):
    request = csr(device)
    started = time.time()
    try:
        if kind == "rest":
            c = connection(rest_url)
            body = json.dumps({"profile": "operational",
                               "csr": request.public_bytes(serialization.Encoding.PEM).decode()})
            c.request("POST", f"/api/v1/devices/{device}/certificates", body,
                      {"Authorization": "Bearer " + token(device), "Content-Type": "application/json"})
        else:
            c = connection(est_url)
            body = base64.b64encode(request.public_bytes(serialization.Encoding.DER))
            c.request("POST", "/.well-known/est/simpleenroll", body,
                      {"Authorization": "Bearer " + token(device), "Content-Type": "application/pkcs10",
                       "Content-Transfer-Encoding": "base64"})
        r = c.getresponse()
        data = r.read()
        c.close()
    except (TimeoutError, socket.timeout):
        record(kind, "timeout", started)
        return
    except (ConnectionError, OSError, http.client.HTTPException):
        record(kind, "conn", started)
        time.sleep(0.2)  # the server is down: a client backs off rather than spin
        return
    der = None
    problem = ""
    if r.status in (200, 201):
        if kind == "rest":
            pem = json.loads(data)["certificate"].encode()
            der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
        else:
            der = pkcs7.load_der_pkcs7_certificates(base64.b64decode(data))[0].public_bytes(serialization.Encoding.DER)
    elif r.getheader("Content-Type", "").startswith("application/problem+json"):
        try:
            problem = json.loads(data).get("type", "").rsplit("/", 1)[-1]
        except ValueError:
            problem = "unparsable"
    record(kind, r.status, started, der, r.getheader("Retry-After", ""), problem)


def worker(n):
    kind = "est" if n % 4 == 3 else "rest"
    i = 0
    while time.time() < deadline and not (stop_file and os.path.exists(stop_file)):
        i += 1
        enroll_once(kind, f"{prefix}-{n:02d}-{i:05d}")


ts = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join(seconds + 40)
lines.close()
