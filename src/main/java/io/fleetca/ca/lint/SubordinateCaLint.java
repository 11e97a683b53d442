package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A CA certified by FleetCA's parent CA. RFC 5280 §4.2.1.9: basicConstraints present, critical, cA true,
 * with pathLenConstraint 0 (FleetCA's issuing CAs certify end entities only). §4.2.1.3: keyUsage present,
 * critical, with keyCertSign and cRLSign (the CA signs certificates and CRLs).
 */
public final class SubordinateCaLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        Extension bcExtension = cert.getExtension(Extension.basicConstraints);
        if (bcExtension == null || !bcExtension.isCritical()) {
            return Optional.of("basic constraints are missing or not critical");
        }
        BasicConstraints bc = BasicConstraints.getInstance(bcExtension.getParsedValue());
        if (!bc.isCA()) {
            return Optional.of("a CA certificate does not assert cA");
        }
        if (bc.getPathLenConstraint() == null || bc.getPathLenConstraint().signum() != 0) {
            return Optional.of("an issuing CA certificate must carry pathLenConstraint 0");
        }
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
