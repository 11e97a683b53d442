package io.fleetca.ca.lint;

import java.math.BigInteger;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/** RFC 5280 §4.1.2.2: the serial is a positive integer of at most 20 octets; CA/B BR §7.1: at least 64 random bits. */
public final class SerialNumberLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        BigInteger serial = cert.getSerialNumber();
        if (serial.signum() <= 0) {
            return Optional.of("serial number is not positive");
        }
        if (serial.toByteArray().length > 20) {
            return Optional.of("serial number is longer than 20 octets");
        }
        if (serial.bitLength() < 64) {
            return Optional.of("serial number has fewer than 64 bits");
        }
        return Optional.empty();
    }
}
