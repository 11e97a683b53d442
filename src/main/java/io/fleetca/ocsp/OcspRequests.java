package io.fleetca.ocsp;

import java.io.IOException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.Req;

/**
 * Parses an OCSP request (RFC 6960 §4.1) from untrusted bytes, completely, before anything is looked up:
 * the request list (1 to the configured maximum), each CertID's fields and DER (what the caches key on), and
 * the nonce (RFC 8954 §2.1: 1 to 32 octets). Anything else is {@link Malformed}, answered malformedRequest.
 * Pure: fuzzed by OcspRequestFuzzTest.
 */
final class OcspRequests {

    /** RFC 8954 §2.1: responders may refuse nonces longer than 32 octets. */
    static final int MAX_NONCE = 32;

    private OcspRequests() {}

    /** A parsed request: its single requests, their CertIDs' DER, and the nonce extension (null: none). */
    record Parsed(Req[] list, byte[][] certIds, Extension nonce) {}

    /** The request does not parse or breaks a limit: RFC 6960 §2.3 malformedRequest. */
    static final class Malformed extends RuntimeException {
        Malformed() {
            super(null, null, false, false);
        }
    }

    static Parsed parse(byte[] request, int maxBytes, int maxCertificates) {
        if (request == null || request.length == 0 || request.length > maxBytes) {
            throw new Malformed();
        }
        try {
            OCSPReq req = new OCSPReq(request);
            Req[] list = req.getRequestList();
            if (list.length == 0 || list.length > maxCertificates) {
                throw new Malformed();
            }
            byte[][] certIds = new byte[list.length][];
            for (int i = 0; i < list.length; i++) {
                CertificateID id = list[i].getCertID();
                id.getSerialNumber();
                id.getHashAlgOID();
                id.getIssuerNameHash();
                id.getIssuerKeyHash();
                certIds[i] = id.toASN1Primitive().getEncoded(ASN1Encoding.DER);
            }
            Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (nonce != null) {
                int length = ASN1OctetString.getInstance(nonce.getExtnValue().getOctets()).getOctets().length;
                if (length < 1 || length > MAX_NONCE) {
                    throw new Malformed();
                }
            }
            return new Parsed(list, certIds, nonce);
        } catch (IOException | RuntimeException e) {
            if (e instanceof Malformed m) {
                throw m;
            }
            throw new Malformed();
        }
    }
}
