package io.fleetca.api;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/** PEM encoding (RFC 7468 §5.1: CERTIFICATE, base64 lines of 64 characters). */
final class Pem {
    private static final Base64.Encoder ENCODER = Base64.getMimeEncoder(64, "\n".getBytes());

    private Pem() {}

    static String certificate(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + ENCODER.encodeToString(der) + "\n-----END CERTIFICATE-----\n";
    }

    static String certificate(X509CertificateHolder cert) {
        try {
            return certificate(cert.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String chain(List<X509CertificateHolder> certs) {
        StringBuilder sb = new StringBuilder();
        certs.forEach(c -> sb.append(certificate(c)));
        return sb.toString();
    }
}
