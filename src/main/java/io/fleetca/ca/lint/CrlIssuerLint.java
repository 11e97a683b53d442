package io.fleetca.ca.lint;

import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * RFC 5280 §5.1.2.3: the CRL's issuer is the CA's subject, byte for byte (path validation compares
 * encodings, §7.1); §5.2.1: authorityKeyIdentifier present, not critical, its keyIdentifier the CA's
 * subjectKeyIdentifier (so a CA with a renewed key gets its CRLs matched to the right certificate).
 */
public final class CrlIssuerLint implements CrlLint {
    @Override
    public Optional<String> check(X509CRLHolder crl, X509CertificateHolder issuer) {
        try {
            if (!Arrays.equals(crl.getIssuer().getEncoded(ASN1Encoding.DER), issuer.getSubject().getEncoded(ASN1Encoding.DER))) {
                return Optional.of("the CRL issuer is not the CA's subject");
            }
        } catch (IOException e) {
            return Optional.of("the CRL issuer does not encode");
        }
        Extension aki = crl.getExtension(Extension.authorityKeyIdentifier);
        if (aki == null) {
            return Optional.of("authority key identifier is missing");
        }
        if (aki.isCritical()) {
            return Optional.of("authority key identifier is critical");
        }
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(issuer.getExtensions());
        byte[] keyId = AuthorityKeyIdentifier.getInstance(aki.getParsedValue()).getKeyIdentifier();
        if (ski == null || keyId == null || !Arrays.equals(keyId, ski.getKeyIdentifier())) {
            return Optional.of("authority key identifier does not match the CA's subject key identifier");
        }
        return Optional.empty();
    }
}
