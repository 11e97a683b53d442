"""One-time ES256 station tokens and device CSRs for the fault suite's load clients (load.py, pair_load.py)."""
import base64, json, os, time
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(station, station_key, device):
    """A station token for one enrollment of device: iss = kid = the station, aud fleetca, 5 minutes, fresh jti."""
    header = b64(json.dumps({"alg": "ES256", "typ": "JWT", "kid": station}).encode())
    now = int(time.time())
    claims = b64(json.dumps({"iss": station, "sub": device, "aud": "fleetca", "iat": now, "exp": now + 300,
                             "jti": os.urandom(12).hex()}).encode())
    r, s = decode_dss_signature(station_key.sign(f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256())))
    return f"{header}.{claims}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def csr(device, key):
    """A PKCS#10 request with subject CN=device, signed by key."""
    return x509.CertificateSigningRequestBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, device)])).sign(key, hashes.SHA256())
