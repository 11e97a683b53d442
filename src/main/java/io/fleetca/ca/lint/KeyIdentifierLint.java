package io.fleetca.ca.lint;

import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * RFC 5280 §4.2.1.1: authorityKeyIdentifier present and equal to the issuer's SKI.
 * §4.2.1.2: subjectKeyIdentifier present.
 */
public final class KeyIdentifierLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.fromExtensions(cert.getExtensions());
        SubjectKeyIdentifier issuerSki = SubjectKeyIdentifier.fromExtensions(issuer.getExtensions());
        if (aki == null || aki.getKeyIdentifier() == null) {
            return Optional.of("authority key identifier is missing");
        }
        if (issuerSki == null || !Arrays.equals(aki.getKeyIdentifier(), issuerSki.getKeyIdentifier())) {
            return Optional.of("authority key identifier does not match the issuer's subject key identifier");
        }
        if (SubjectKeyIdentifier.fromExtensions(cert.getExtensions()) == null) {
            return Optional.of("subject key identifier is missing");
        }
        return Optional.empty();
    }
}
