package io.fleetca.common;

import java.util.regex.Pattern;

/**
 * Shape checks for identifiers and free text, applied before any value reaches the database
 * (PostgreSQL refuses NUL in text, and a refusal must never become a 500).
 */
public final class Text {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern CA_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    /** Device ids: what fits a CN (ub-common-name 64), a PrintableString serialNumber (X.520) and a URL path segment. */
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,63}");

    private Text() {}

    /** Station ids are lowercase UUIDs. */
    public static boolean isStationId(String s) {
        return s != null && UUID.matcher(s).matches();
    }

    /** CA ids: 1 to 63 lowercase letters, digits or '-', starting with a letter or digit. */
    public static boolean isDeviceId(String s) {
        return s != null && DEVICE_ID.matcher(s).matches();
    }

    public static boolean isCaId(String s) {
        return s != null && CA_ID.matcher(s).matches();
    }

    /** True when the text contains a control character (NUL, newline, ...), never valid in names or patterns. */
    public static boolean hasControlCharacters(String s) {
        return s != null && s.chars().anyMatch(Character::isISOControl);
    }

    /** Bounds text echoed back into problems and audit events. */
    public static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "...";
    }

    /** Lowercase hex SHA-256 of the UTF-8 bytes. */
    public static String sha256Hex(String s) {
        return sha256Hex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Lowercase hex SHA-256. */
    public static String sha256Hex(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
