package io.fleetca.common;

import java.net.InetAddress;

/** An address or a CIDR block ("10.0.0.0/8", "2001:db8::/32", "127.0.0.1"), as in fleetca.limits.exempt-sources. */
public record AddressRange(byte[] network, int bits) {

    /** Parses a literal address with an optional /prefix length; never resolves a name. */
    public static AddressRange parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String literal = slash < 0 ? t : t.substring(0, slash);
        InetAddress address;
        try {
            address = InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address or CIDR block: " + text);
        }
        byte[] network = address.getAddress();
        int bits = network.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a prefix length in " + text);
            }
            if (bits < 0 || bits > network.length * 8) {
                throw new IllegalArgumentException("prefix length out of range in " + text);
            }
        }
        return new AddressRange(network, bits);
    }

    /** Whether this numeric address (as Vert.x reports a peer) lies in the range; false for anything else. */
    public boolean contains(String hostAddress) {
        if (hostAddress == null || hostAddress.isEmpty() || hostAddress.length() > 64) {
            return false;
        }
        int zone = hostAddress.indexOf('%');
        byte[] a;
        try {
            a = InetAddress.ofLiteral(zone < 0 ? hostAddress : hostAddress.substring(0, zone)).getAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (a.length != network.length) {
            return false;
        }
        int whole = bits / 8;
        for (int i = 0; i < whole; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = bits % 8;
        return rest == 0 || ((a[whole] ^ network[whole]) & (0xff << (8 - rest))) == 0;
    }
}
