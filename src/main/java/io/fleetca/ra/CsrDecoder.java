package io.fleetca.ra;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** Turns the CSR a caller sent (PEM, base64 DER or DER bytes) into a PKCS#10 request (RFC 2986), or refuses. */
public final class CsrDecoder {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\\s]+)-----END (NEW )?CERTIFICATE REQUEST-----");

    private CsrDecoder() {}

    public static PKCS10CertificationRequest decode(String text, int maxBytes) {
        if (text == null || text.isBlank()) {
            throw new FleetCaException(ProblemType.BAD_CSR, "csr is missing");
        }
        if (text.length() > maxBytes * 2) {
            throw new FleetCaException(ProblemType.PAYLOAD_TOO_LARGE, "csr is larger than " + maxBytes + " bytes");
        }
        String trimmed = text.strip();
        String base64;
        if (trimmed.startsWith("-----")) {
            Matcher m = PEM.matcher(trimmed);
            if (!m.matches()) {
                throw new FleetCaException(ProblemType.BAD_CSR, "csr is not a PEM 'CERTIFICATE REQUEST'");
            }
            base64 = m.group(2);
        } else {
            base64 = trimmed;
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new FleetCaException(ProblemType.BAD_CSR, "csr is neither PEM nor base64-encoded DER");
        }
        return decode(der, maxBytes);
    }

    public static PKCS10CertificationRequest decode(byte[] der, int maxBytes) {
        if (der.length == 0) {
            throw new FleetCaException(ProblemType.BAD_CSR, "csr is empty");
        }
        if (der.length > maxBytes) {
            throw new FleetCaException(ProblemType.PAYLOAD_TOO_LARGE, "csr is larger than " + maxBytes + " bytes");
        }
        try {
            PKCS10CertificationRequest csr = new PKCS10CertificationRequest(der);
            csr.getSubjectPublicKeyInfo().getAlgorithm(); // force the structure to be complete
            checkSubjectStrings(csr);
            return csr;
        } catch (FleetCaException e) {
            throw e;
        } catch (Exception e) {
            // Any parse failure of untrusted input is a 400, never a 500.
            throw new FleetCaException(ProblemType.BAD_CSR, "csr is not a valid DER-encoded PKCS#10 request");
        }
    }

    /**
     * Every attribute value of the subject decodes as the string type it claims (X.520 / RFC 5280 §4.1.2.4):
     * BouncyCastle decodes a UTF8String lazily and throws on bad UTF-8 wherever the name is later read or
     * compared (the device id taken from the CN, the renewal's subject comparison), which was a 500. Found by
     * CsrFuzzTest.
     */
    private static void checkSubjectStrings(PKCS10CertificationRequest csr) {
        for (org.bouncycastle.asn1.x500.RDN rdn : csr.getSubject().getRDNs()) {
            for (org.bouncycastle.asn1.x500.AttributeTypeAndValue value : rdn.getTypesAndValues()) {
                if (value.getValue() instanceof org.bouncycastle.asn1.ASN1String string) {
                    try {
                        string.getString();
                    } catch (IllegalArgumentException e) {
                        throw new FleetCaException(ProblemType.BAD_CSR, "the CSR subject's " + value.getType().getId()
                                + " is not a valid " + string.getClass().getSimpleName().replace("DER", ""));
                    }
                }
            }
        }
    }
}
