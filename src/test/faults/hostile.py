#!/usr/bin/env python3
"""Hostile input against a running FleetCA, over raw sockets (so that broken framing reaches the server as sent).

hostile.py HOST PORT EST_PORT ROOT_PEM ADMIN_TOKEN STATION_TOKEN_FILE SEED_CSR_DER SEED_OCSP_DER N THREADS OUT

Sends N malformed requests from THREADS threads, spread over every endpoint: mutated and truncated DER and JSON,
wrong content types, broken UTF-8, deeply nested JSON, huge numbers, oversized headers and URLs, garbage
methods and request lines, lying Content-Length, and EST over TLS. A share carries a valid admin token or a
station token, so that malformed bodies get past authentication to the parsers. Writes OUT as JSON: answers by
status class, every 5xx with the request that caused it (at most 50), and connections closed without an answer.
Every request is bounded (5 s socket timeout); the run is bounded by N.
"""
import base64, json, os, random, socket, ssl, sys, threading, time

host, port, est_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
root_pem, admin_token = sys.argv[4], sys.argv[5]
station_tokens = [line.strip() for line in open(sys.argv[6]) if line.strip()]
seed_csr, seed_ocsp = open(sys.argv[7], "rb").read(), open(sys.argv[8], "rb").read()
total, threads, out = int(sys.argv[9]), int(sys.argv[10]), sys.argv[11]
tls = ssl.create_default_context(cafile=root_pem)
tls.check_hostname = False

csr_pem = (b"-----BEGIN CERTIFICATE REQUEST-----\n" + base64.encodebytes(seed_csr) + b"-----END CERTIFICATE REQUEST-----\n")
PATHS = ["/api/v1/devices/dev-1/certificates", "/api/v1/stations", "/api/v1/stations/8d4f0b9e-54c5-4c1b-9a0a-2d6d0a4f7c11/certificates",
         "/api/v1/stations/8d4f0b9e-54c5-4c1b-9a0a-2d6d0a4f7c11/disable", "/api/v1/certificates/1234/revoke",
         "/api/v1/certificates/1234/release", "/api/v1/devices/dev-1/decommission", "/api/v1/devices/dev-1/reactivate",
         "/api/v1/devices/dev-1/enrollment-codes", "/api/v1/revocations", "/api/v1/cas", "/api/v1/cas/dev-root/revoke",
         "/api/v1/cas/dev-issuing/recertify", "/api/v1/cas/dev-issuing/ocsp-responses", "/ocsp", "/crl/dev-issuing.crl",
         "/crl/dev-issuing-delta.crl", "/api/v1/cas/dev-root/certificate", "/api/v1/devices", "/api/v1/audit",
         "/api/v1/audit/verify", "/api/v1/certificates/reserved", "/api/v1/revocations/1", "/q/health/ready"]
EST_PATHS = ["/.well-known/est/simpleenroll", "/.well-known/est/simplereenroll", "/.well-known/est/cacerts",
             "/.well-known/est/csrattrs", "/.well-known/est/operational/simpleenroll", "/.well-known/est/%00/cacerts"]
SEGMENTS = ["%00", "..%2f..%2f", "%2e%2e", "\u00e9", "%ff%fe", "x" * 3000, "-1", "0", "ffff" * 30, "%", "a%zz", ";jsessionid=1",
            "dev-1?x=%00", "../../etc/passwd", "\\\\", "dev 1"]
CTYPES = ["application/json", "application/json; charset=latin1", "text/plain", "application/ocsp-request",
          "application/pkcs10", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "", "\x00\x01",
          "application/json;" + "a" * 5000]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "CONNECT", "FOO", "G\x00T", "post"]


def mutate(data, rnd):
    data = bytearray(data)
    for _ in range(rnd.randint(1, 8)):
        op = rnd.randrange(6)
        if op == 0 and data:
            data[rnd.randrange(len(data))] ^= 1 << rnd.randrange(8)
        elif op == 1 and data:
            del data[rnd.randrange(len(data)):]
        elif op == 2:
            data[rnd.randrange(len(data) + 1):0] = os.urandom(rnd.randint(1, 16))
        elif op == 3 and data:
            i = rnd.randrange(len(data))
            data[i:i + 1] = bytes([0xff, 0xfe, 0xc0, 0x80])  # broken UTF-8 (overlong NUL, invalid bytes)
        elif op == 4 and data:
            i = rnd.randrange(len(data))
            data[i:i] = data[i:i + rnd.randint(1, 64)] * rnd.randint(1, 50)
        else:
            rnd.shuffle(data) if len(data) < 64 else None
    return bytes(data)


def json_body(rnd):
    choice = rnd.randrange(9)
    if choice == 0:
        return b"[" * 100000 + b"]" * 100000
    if choice == 1:
        return b'{"profile":"operational","csr":' + b'{"a":' * 5000 + b"1" + b"}" * 5000 + b"}"
    if choice == 2:
        return b'{"maxEnrollmentsPerHour":1e999999999,"profiles":[' + b"9" * 100000 + b"]}"
    if choice == 3:
        return b'{"reason":"keyCompromise","invalidityDate":"' + b"2026" * 10000 + b'"}'
    if choice == 4:
        return json.dumps({"profile": "operational", "csr": csr_pem.decode()}).encode()
    if choice == 5:
        return b'{"csr":"\xff\xfe\xed\xa0\x80","profile":"\xc0\x80"}'
    if choice == 6:
        return json.dumps({"name": "x" * rnd.randint(0, 5000), "publicKey": {"kty": "EC", "crv": "P-256", "x": "A", "y": "B"},
                           "profiles": ["operational"] * rnd.randint(0, 500), "deviceIdPattern": "(a+)+$" * rnd.randint(1, 50),
                           "maxEnrollmentsPerHour": rnd.choice([-1, 0, 2 ** 63, 10 ** 30, "ten", None])}).encode()
    if choice == 7:
        return mutate(json.dumps({"profile": "operational", "csr": csr_pem.decode()}).encode(), rnd)
    return mutate(json.dumps({"criteria": {"stationId": "x", "issuedAfter": "2026-01-01T00:00:00Z"},
                              "reason": "keyCompromise"}).encode(), rnd)


def request_bytes(rnd):
    """One malformed request, as raw bytes, and a label for the report."""
    path = rnd.choice(PATHS)
    if rnd.random() < 0.3:
        parts = path.split("/")
        parts[rnd.randrange(1, len(parts))] = rnd.choice(SEGMENTS)
        path = "/".join(parts)
    method = rnd.choice(METHODS) if rnd.random() < 0.2 else ("POST" if rnd.random() < 0.7 else "GET")
    if path.startswith("/ocsp"):
        body = mutate(seed_ocsp, rnd) if rnd.random() < 0.9 else os.urandom(rnd.randint(0, 3000))
        if method == "GET":
            path = "/ocsp/" + base64.b64encode(body).decode()[: rnd.randint(0, 9000)]
            body = b""
    elif rnd.random() < 0.15:
        body = mutate(seed_csr, rnd)
    else:
        body = json_body(rnd)
    headers = {"Host": f"{host}:{port}", "Connection": "close"}
    ctype = rnd.choice(CTYPES) if rnd.random() < 0.5 else ("application/ocsp-request" if path.startswith("/ocsp") else "application/json")
    if ctype:
        headers["Content-Type"] = ctype
    auth = rnd.random()
    # Admin actions that take no body (recertify, disable, decommission, ...) would simply be done: the admin token
    # goes only to endpoints whose body it lets through to a parser.
    bodyless = path.endswith(("/recertify", "/disable", "/decommission", "/reactivate", "/release", "/revoke")) \
        and "/certificates/" not in path
    if auth < 0.25 and not bodyless:
        headers["Authorization"] = "Bearer " + admin_token
    elif auth < 0.45:
        headers["Authorization"] = "Bearer " + rnd.choice(station_tokens)
    elif auth < 0.55:
        headers["Authorization"] = rnd.choice(["Bearer " + "A" * 20000, "Basic \xff\xfe", "Bearer a.b.c", "Bearer", "\x00" * 10,
                                               "Bearer " + base64.urlsafe_b64encode(os.urandom(300)).decode()])
    if rnd.random() < 0.05:
        headers["X-Huge"] = "h" * rnd.choice([9000, 20000, 70000])
    if rnd.random() < 0.03:
        path = path + "?" + "q" * rnd.choice([5000, 20000])
    length = len(body)
    framing = rnd.random()
    if framing < 0.03:
        headers["Content-Length"] = str(length + rnd.randint(1, 100))  # lies: the server must time the body out
    elif framing < 0.05:
        headers["Content-Length"] = rnd.choice(["-1", "abc", "99999999999999999999", "1, 2"])
    elif framing < 0.07:
        headers["Transfer-Encoding"] = "chunked"
        body = b"zz\r\n" + body[:10] + b"\r\n0\r\n\r\n"
    else:
        headers["Content-Length"] = str(length)
    line = f"{method} {path} HTTP/1.1"
    if rnd.random() < 0.02:
        line = rnd.choice(["GET", "GET /", "\x16\x03\x01", f"GET {path} HTTP/9.9", f"GET {path} HTTP/1.1 extra", "  "])
    head = line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("latin-1", "replace") + body, f"{method} {path[:60]}"


def est_request(rnd):
    path = rnd.choice(EST_PATHS)
    body = base64.b64encode(mutate(seed_csr, rnd)) if rnd.random() < 0.7 else mutate(base64.b64encode(seed_csr), rnd)
    headers = {"Host": f"{host}:{est_port}", "Connection": "close", "Content-Type": rnd.choice(["application/pkcs10", "text/plain", ""]),
               "Content-Length": str(len(body))}
    if rnd.random() < 0.5:
        headers["Authorization"] = rnd.choice(["Bearer " + rnd.choice(station_tokens), "Basic " + base64.b64encode(
            os.urandom(rnd.randint(0, 40))).decode(), "Basic ZGV2LTE6MTIzNA==", "Bearer x"])
    head = f"{rnd.choice(['POST', 'POST', 'GET', 'PUT'])} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode("latin-1", "replace") + body, f"EST {path}"


lock = threading.Lock()
counts = {"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "closed": 0, "timeout": 0, "version": 0}
status_counts = {}
fivexx = []
sent = [0]


def send(raw, use_tls):
    s = socket.create_connection((host, est_port if use_tls else port), timeout=5)
    try:
        if use_tls:
            s = tls.wrap_socket(s)
        try:
            s.sendall(raw)
        except OSError:
            pass  # the server may refuse a huge header early and close: read what it answered
        data = b""
        while b"\r\n" not in data and len(data) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n", 1)[0]
    finally:
        s.close()


def worker(seed):
    rnd = random.Random(seed)
    while True:
        with lock:
            if sent[0] >= total:
                return
            sent[0] += 1
        use_tls = rnd.random() < 0.1
        raw, label = est_request(rnd) if use_tls else request_bytes(rnd)
        try:
            line = send(raw, use_tls)
        except socket.timeout:
            kind, status = "timeout", None
        except (OSError, ssl.SSLError):
            kind, status = "closed", None
        else:
            parts = line.split(b" ")
            status = parts[1].decode("latin-1") if len(parts) > 1 and parts[0].startswith(b"HTTP/") else None
            kind = (status[0] + "xx") if status and status[:1] in "2345" else "closed"
            if kind == "5xx" and b" HTTP/9.9\r\n" in raw.split(b"\r\n", 1)[0] + b"\r\n":
                # An HTTP version the server does not speak: Vert.x answers 501 before FleetCA sees the request
                # (RFC 9110 §15.6.6 would say 505); counted apart, not as a 5xx of FleetCA's.
                kind = "version"
        with lock:
            counts[kind] += 1
            if status:
                status_counts[status] = status_counts.get(status, 0) + 1
            if kind == "5xx" and len(fivexx) < 50:
                fivexx.append({"status": status, "request": label, "head": raw[:300].decode("latin-1")})


started = time.time()
ts = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
json.dump({"requests": sent[0], "seconds": round(time.time() - started, 1), "answers": counts, "statuses": status_counts,
           "fivexx": fivexx}, open(out, "w"), indent=1)
