package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;

/** The two rules every CA certificate meets, root or subordinate (RootCaLint, SubordinateCaLint). */
final class CaRules {

    private CaRules() {}

    /** RFC 5280 §4.2.1.9: basicConstraints present, critical, cA true. */
    static Optional<String> basicConstraints(X509CertificateHolder cert) {
        Extension bc = cert.getExtension(Extension.basicConstraints);
        if (bc == null || !bc.isCritical()) {
            return Optional.of("basic constraints are missing or not critical");
        }
        if (!BasicConstraints.getInstance(bc.getParsedValue()).isCA()) {
            return Optional.of("a CA certificate does not assert cA");
        }
        return Optional.empty();
    }

    /** RFC 5280 §4.2.1.3: keyUsage present, critical, with keyCertSign and cRLSign (the CA signs certificates and CRLs). */
    static Optional<String> keyUsage(X509CertificateHolder cert) {
        Extension ku = cert.getExtension(Extension.keyUsage);
        if (ku == null || !ku.isCritical()) {
            return Optional.of("key usage is missing or not critical");
        }
        KeyUsage usage = KeyUsage.getInstance(ku.getParsedValue());
        if (!usage.hasUsages(KeyUsage.keyCertSign) || !usage.hasUsages(KeyUsage.cRLSign)) {
            return Optional.of("CA key usage lacks keyCertSign or cRLSign");
        }
        return Optional.empty();
    }
}
