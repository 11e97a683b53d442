package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A delegated OCSP responder certificate. RFC 6960 §4.2.2.2: the extended key usage is id-kp-OCSPSigning,
 * and nothing else (a responder key must not pass for a TLS client or server); §4.2.2.2.1:
 * id-pkix-ocsp-nocheck present, since clients are not asked to check the responder's own status.
 * RFC 5280 §4.2.1.3: keyUsage critical with digitalSignature; §4.2.1.9: not a CA.
 */
public final class OcspResponderLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        ExtendedKeyUsage eku = ExtendedKeyUsage.fromExtensions(cert.getExtensions());
        if (eku == null || eku.size() != 1 || !eku.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)) {
            return Optional.of("extended key usage is not exactly id-kp-OCSPSigning");
        }
        if (cert.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck) == null) {
            return Optional.of("id-pkix-ocsp-nocheck is missing");
        }
        Extension ku = cert.getExtension(Extension.keyUsage);
        if (ku == null || !ku.isCritical() || !KeyUsage.getInstance(ku.getParsedValue()).hasUsages(KeyUsage.digitalSignature)) {
            return Optional.of("key usage is missing, not critical, or lacks digitalSignature");
        }
        BasicConstraints bc = BasicConstraints.fromExtensions(cert.getExtensions());
        if (bc != null && bc.isCA()) {
            return Optional.of("an OCSP responder certificate asserts cA");
        }
        return Optional.empty();
    }
}
