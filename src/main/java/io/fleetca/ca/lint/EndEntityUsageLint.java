package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * RFC 5280 §4.2.1.3: keyUsage present and critical, without keyCertSign or cRLSign for an end entity.
 * §4.2.1.9: an end entity is not a CA. §4.2.1.12: the extended key usage names a TLS purpose
 * (clientAuth for devices and stations, serverAuth for FleetCA's own TLS server).
 */
public final class EndEntityUsageLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        Extension ku = cert.getExtension(Extension.keyUsage);
        if (ku == null || !ku.isCritical()) {
            return Optional.of("key usage is missing or not critical");
        }
        KeyUsage usage = KeyUsage.getInstance(ku.getParsedValue());
        if (usage.hasUsages(KeyUsage.keyCertSign) || usage.hasUsages(KeyUsage.cRLSign)) {
            return Optional.of("end-entity key usage includes keyCertSign or cRLSign");
        }
        BasicConstraints bc = BasicConstraints.fromExtensions(cert.getExtensions());
        if (bc != null && bc.isCA()) {
            return Optional.of("end-entity certificate asserts cA");
        }
        ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(cert.getExtensions());
        if (eku == null || !(eku.hasKeyPurposeId(KeyPurposeId.id_kp_clientAuth)
                || eku.hasKeyPurposeId(KeyPurposeId.id_kp_serverAuth))) {
            return Optional.of("extended key usage names neither clientAuth nor serverAuth");
        }
        return Optional.empty();
    }
}
