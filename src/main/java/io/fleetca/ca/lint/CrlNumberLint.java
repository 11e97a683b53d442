package io.fleetca.ca.lint;

import java.math.BigInteger;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * RFC 5280 §5.2.3: conforming CAs MUST include the CRL number, non-critical, a non-negative integer of at
 * most 20 octets (relying parties must handle numbers up to 2^159).
 */
public final class CrlNumberLint implements CrlLint {

    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(159);

    @Override
    public Optional<String> check(X509CRLHolder crl, X509CertificateHolder issuer) {
        Extension number = crl.getExtension(Extension.cRLNumber);
        if (number == null) {
            return Optional.of("CRL number is missing");
        }
        if (number.isCritical()) {
            return Optional.of("CRL number is critical");
        }
        BigInteger n = ASN1Integer.getInstance(number.getParsedValue()).getValue();
        if (n.signum() < 0 || n.compareTo(LIMIT) >= 0) {
            return Optional.of("CRL number is negative or longer than 20 octets");
        }
        return Optional.empty();
    }
}
