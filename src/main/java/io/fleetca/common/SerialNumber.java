package io.fleetca.common;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * A certificate serial number, printed as lowercase hex without leading zeros everywhere.
 * RFC 5280 §4.1.2.2: positive, at most 20 octets; CA/B Forum practice: at least 64 bits of
 * CSPRNG output. FleetCA draws 127 random bits (16 octets with the top bit cleared).
 */
public record SerialNumber(BigInteger value) {

    private static final int RANDOM_BITS = 127;

    public SerialNumber {
        if (value.signum() <= 0 || value.bitLength() > 159) {
            throw new IllegalArgumentException("serial must be positive and at most 20 octets");
        }
    }

    public static SerialNumber random(SecureRandom random) {
        BigInteger v;
        do {
            v = new BigInteger(RANDOM_BITS, random);
        } while (v.bitLength() < 64); // keep at least 64 significant bits
        return new SerialNumber(v);
    }

    /** Parses lowercase or uppercase hex; empty when it is not a valid serial. */
    public static java.util.Optional<SerialNumber> parse(String hex) {
        if (hex == null || hex.isEmpty() || hex.length() > 40 || !hex.matches("[0-9a-fA-F]+")) {
            return java.util.Optional.empty();
        }
        BigInteger v = new BigInteger(hex, 16);
        if (v.signum() <= 0 || v.bitLength() > 159) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new SerialNumber(v));
    }

    public String hex() {
        return value.toString(16).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return hex();
    }
}
