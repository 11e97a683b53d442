package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A root CA, self-signed. RFC 5280 §3.2 / §6.1: self-issued (issuer = subject); §4.2.1.9: basicConstraints
 * present, critical, cA true; §4.2.1.3: keyUsage present, critical, with keyCertSign and cRLSign; §4.2.1.12:
 * no extendedKeyUsage (a trust anchor constrained by EKU is not what relying parties expect; CA/B Forum
 * BR §7.1.2.1 forbids it in roots). The common lints check the rest (AKI = its own SKI, §4.2.1.1).
 */
public final class RootCaLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        if (!cert.getIssuer().equals(cert.getSubject())) {
            return Optional.of("a root's issuer is not its subject");
        }
        Optional<String> finding = CaRules.basicConstraints(cert).or(() -> CaRules.keyUsage(cert));
        if (finding.isPresent()) {
            return finding;
        }
        if (cert.getExtension(Extension.extendedKeyUsage) != null) {
            return Optional.of("a root carries extended key usage");
        }
        return Optional.empty();
    }
}
