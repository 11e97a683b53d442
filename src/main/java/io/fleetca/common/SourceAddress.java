package io.fleetca.common;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The key under which a client's requests are limited: its IPv4 address, or the /64 prefix of its IPv6
 * address (one host is routinely given a whole /64, so per address would let it take 2^64 budgets).
 * An IPv4-mapped IPv6 address counts as the IPv4 address.
 */
public final class SourceAddress {

    /** Requests whose peer address is unknown share one key. */
    public static final String UNKNOWN = "unknown";

    private SourceAddress() {}

    /** {@code hostAddress}: the textual peer address Vert.x reports (numeric, never a name to resolve). */
    public static String key(String hostAddress) {
        if (hostAddress == null || hostAddress.length() > 64) {
            return UNKNOWN;
        }
        int zone = hostAddress.indexOf('%'); // a link-local zone index names an interface, not a host
        String literal = zone < 0 ? hostAddress : hostAddress.substring(0, zone);
        if (literal.isEmpty() || !numeric(literal)) {
            return UNKNOWN;
        }
        try {
            InetAddress address = InetAddress.ofLiteral(literal);
            if (address instanceof Inet6Address) {
                byte[] b = address.getAddress();
                return String.format("%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
            }
            return address.getHostAddress();
        } catch (IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    /** Hex digits, dots and colons only (InetAddress.ofLiteral never resolves a name either). */
    private static boolean numeric(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) < 0 && c != '.' && c != ':') {
                return false;
            }
        }
        return true;
    }
}
