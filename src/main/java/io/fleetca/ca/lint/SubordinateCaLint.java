package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A CA certified by FleetCA's parent CA. RFC 5280 §4.2.1.9: basicConstraints present, critical, cA true,
 * with pathLenConstraint 0 (FleetCA's issuing CAs certify end entities only). §4.2.1.3: keyUsage present,
 * critical, with keyCertSign and cRLSign (the CA signs certificates and CRLs).
 */
public final class SubordinateCaLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        Optional<String> basics = CaRules.basicConstraints(cert);
        if (basics.isPresent()) {
            return basics;
        }
        BasicConstraints bc = BasicConstraints.getInstance(cert.getExtension(Extension.basicConstraints).getParsedValue());
        if (bc.getPathLenConstraint() == null || bc.getPathLenConstraint().signum() != 0) {
            return Optional.of("an issuing CA certificate must carry pathLenConstraint 0");
        }
        return CaRules.keyUsage(cert);
    }
}
