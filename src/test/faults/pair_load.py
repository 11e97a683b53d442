#!/usr/bin/env python3
"""The mixed load of the fault suite's two-instance scenario, beside load.py's enrollments: revocations,
EST renewals, CRL and OCSP polling of both instances. Records what the scenario checks.

pair_load.py FRONT_URL FRONT_EST A_URL B_URL ROOT_PEM ISSUING_PEM STATION_ID STATION_KEY ADMIN_TOKEN SECONDS OUT STOP_FILE

Threads until SECONDS have passed or STOP_FILE exists:
  revoker   enrolls a device through the proxy, revokes it on one instance directly (A and B in turn; every
            sixth time five at once, a bulk revocation through the proxy) and polls the OTHER instance's
            OCSP (no nonce; asked once before the revocation, so the answer "good" is in that instance's memory)
            until it says revoked: the lag, from the commit to the first request answered "revoked" (when it
            was sent).
  renewer   EST simpleenroll through the proxy, then simplereenroll with that certificate as the TLS
            client certificate (RFC 7030 4.2.2), through the proxy.
  crl       fetches the issuing CA's complete CRL from A and from B in turn, as one client polling both: the
            CRL number it sees must never go down.
Every answer is a line "time_ms  what  status  retry_after" in OUT.answers.tsv; OUT (JSON) sums up.
An instance that is down (killed, restarting) is skipped by the pollers, not counted against the scenario."""
import base64, json, os, socket, ssl, sys, tempfile, threading, time, urllib.parse, http.client
import station_token
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509 import ocsp

(front, front_est, url_a, url_b, root_pem, issuing_pem, station, key_file, admin, seconds, out,
 stop_file) = sys.argv[1:13]
seconds = float(seconds)
deadline = time.time() + seconds
station_key = serialization.load_pem_private_key(open(key_file, "rb").read(), None)
issuing = x509.load_pem_x509_certificate(open(issuing_pem, "rb").read())
lock = threading.Lock()
answers = open(out + ".answers.tsv", "a", buffering=1)
summary = {"ocsp_lag_ms": [], "ocsp_never": 0, "ocsp_other_down": 0, "ocsp_unprimed": 0, "crl_seen": 0, "crl_went_down": [], "crl_numbers": {},
           "revoked": 0, "bulk_revoked": 0, "renewed": 0}


def running():
    return time.time() < deadline and not os.path.exists(stop_file)


def note(what, status, retry=""):
    with lock:
        answers.write(f"{int(time.time() * 1000)}\t{what}\t{status}\t{retry}\n")


def token(device):
    return station_token.token(station, station_key, device)


def call(url, method, path, body=None, headers=None, context=None):
    """(status, headers, body); status "conn" when the server is not there."""
    u = urllib.parse.urlsplit(url)
    try:
        if u.scheme == "https":
            c = http.client.HTTPSConnection(u.hostname, u.port, timeout=30, context=context)
        else:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        c.request(method, path, body, headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, r, data
    except (TimeoutError, socket.timeout):
        return "timeout", None, b""
    except (ConnectionError, OSError, http.client.HTTPException):
        return "conn", None, b""


def retry_after(r):
    return r.getheader("Retry-After", "") if r is not None else ""


def enroll_rest(device):
    key = ec.generate_private_key(ec.SECP256R1())
    body = json.dumps({"profile": "operational",
                       "csr": station_token.csr(device, key).public_bytes(serialization.Encoding.PEM).decode()})
    status, r, data = call(front, "POST", f"/api/v1/devices/{device}/certificates", body,
                           {"Authorization": "Bearer " + token(device), "Content-Type": "application/json"})
    note("enroll", status, retry_after(r))
    if status != 201:
        return None
    return x509.load_pem_x509_certificate(json.loads(data)["certificate"].encode())


def ocsp_status(url, cert):
    request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuing, hashes.SHA1()).build()
    status, r, data = call(url, "POST", "/ocsp", request.public_bytes(serialization.Encoding.DER),
                           {"Content-Type": "application/ocsp-request"})
    if status != 200:
        return None
    resp = ocsp.load_der_ocsp_response(data)
    if resp.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
        return None
    return resp.certificate_status.name.lower()


def revoke_on(url, cert):
    """Revokes directly on one instance; the status, or None when that instance is down (not a revocation)."""
    status, r, _ = call(url, "POST", f"/api/v1/certificates/{format(cert.serial_number, 'x')}/revoke",
                        json.dumps({"reason": "superseded"}),
                        {"Authorization": "Bearer " + admin, "Content-Type": "application/json"})
    if status == "conn":
        return None
    note("revoke", status, retry_after(r))
    return status


def seen_revoked(other, cert, committed, slow_polls):
    """Polls the other instance's OCSP until it says revoked: the lag in ms, or why not. The lag is when the first
    request that got "revoked" was sent (the one before it got "good"): the freshness of the answers, apart from
    how long an overloaded instance takes to give one. Polls that took over 200 ms are noted in slow_polls."""
    while time.time() - committed < 5:
        asked = time.time()
        s = ocsp_status(other, cert)
        took = int((time.time() - asked) * 1000)
        if took > 200:
            slow_polls.append(took)
        if s == "revoked":
            return int((asked - committed) * 1000)
        if s is None and call(other, "GET", "/q/health/ready")[0] == "conn":
            return "other-down"
        time.sleep(0.02)
    return "never" if call(other, "GET", "/q/health/ready")[0] == 200 else "other-down"


def revoker():
    n = 0
    instances = [url_a, url_b]
    while running():
        n += 1
        if n % 6 == 0:
            # Bulk: five fresh certificates in one job, through the proxy (reason cessationOfOperation).
            certs = [c for c in (enroll_rest(f"fb{i}-00-{n:05d}") for i in range(5)) if c is not None]
            body = json.dumps({"reason": "cessationOfOperation", "serials": [format(c.serial_number, "x") for c in certs]})
            status, r, _ = call(front, "POST", "/api/v1/revocations", body,
                                {"Authorization": "Bearer " + admin, "Content-Type": "application/json"})
            note("bulk-revoke", status, retry_after(r))
            if status in (200, 201, 202):
                summary["bulk_revoked"] += len(certs)
            continue
        cert = enroll_rest(f"fr-00-{n:05d}")
        if cert is None:
            time.sleep(0.2)
            continue
        on, other = instances[n % 2], instances[(n + 1) % 2]
        # The other instance answers "good" first and so holds that answer in memory (a request repeated byte for
        # byte is answered from there): what it says after the revocation shows the notification, not a read.
        primed = ocsp_status(other, cert) == "good"
        if revoke_on(on, cert) != 200:
            continue
        summary["revoked"] += 1
        slow_polls = []
        lag = seen_revoked(other, cert, time.time(), slow_polls)
        with lock:
            if isinstance(lag, int) and not primed:
                summary["ocsp_unprimed"] = summary.get("ocsp_unprimed", 0) + 1
            elif isinstance(lag, int):
                summary["ocsp_lag_ms"].append(lag)
                if lag > 1000:
                    summary.setdefault("ocsp_slow", []).append({"at": int(time.time() * 1000), "ms": lag,
                                                                "revoked_on": on, "polled": other,
                                                                "polls_over_200ms": slow_polls})
            else:
                summary["ocsp_" + lag.replace("-", "_")] = summary.get("ocsp_" + lag.replace("-", "_"), 0) + 1


def renewer():
    tls = ssl.create_default_context(cafile=root_pem)
    tls.check_hostname = False  # the EST server certificate's iPAddress SAN is checked by the EST tests
    n = 0
    while running():
        n += 1
        device = f"fn-00-{n:05d}"
        key = ec.generate_private_key(ec.SECP256R1())
        body = base64.b64encode(station_token.csr(device, key).public_bytes(serialization.Encoding.DER))
        status, r, data = call(front_est, "POST", "/.well-known/est/simpleenroll", body,
                               {"Authorization": "Bearer " + token(device), "Content-Type": "application/pkcs10",
                                "Content-Transfer-Encoding": "base64"}, tls)
        note("est-enroll", status, retry_after(r))
        if status != 200:
            time.sleep(0.2)
            continue
        cert = pkcs7.load_der_pkcs7_certificates(base64.b64decode(data))[0]
        with tempfile.TemporaryDirectory() as d:
            with open(f"{d}/c.pem", "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
            with open(f"{d}/k.pem", "wb") as f:
                f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
            client = ssl.create_default_context(cafile=root_pem)
            client.check_hostname = False
            client.load_cert_chain(f"{d}/c.pem", f"{d}/k.pem")
        fresh = ec.generate_private_key(ec.SECP256R1())
        body = base64.b64encode(station_token.csr(device, fresh).public_bytes(serialization.Encoding.DER))
        status, r, _ = call(front_est, "POST", "/.well-known/est/simplereenroll", body,
                            {"Content-Type": "application/pkcs10", "Content-Transfer-Encoding": "base64"}, client)
        note("est-renew", status, retry_after(r))
        if status == 200:
            summary["renewed"] += 1


def crl_poller():
    highest = {}
    i = 0
    while running():
        i += 1
        url = (url_a, url_b)[i % 2]
        status, r, data = call(url, "GET", "/crl/dev-issuing.crl")
        if status == 200:
            number = x509.load_der_x509_crl(data).extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
            summary["crl_seen"] += 1
            with lock:
                summary["crl_numbers"].setdefault(url, []).append(number)
            if number < highest.get("dev-issuing", -1):
                summary["crl_went_down"].append({"from": url, "number": number, "after": highest["dev-issuing"]})
            highest["dev-issuing"] = max(highest.get("dev-issuing", -1), number)
        time.sleep(0.3)


threads = [threading.Thread(target=f, daemon=True) for f in (revoker, renewer, renewer, crl_poller)]
for t in threads:
    t.start()
for t in threads:
    t.join(seconds + 60)
answers.close()
for url, numbers in summary["crl_numbers"].items():
    summary["crl_numbers"][url] = {"first": numbers[0], "last": numbers[-1], "distinct": len(set(numbers))}
with open(out, "w") as f:
    json.dump(summary, f)
