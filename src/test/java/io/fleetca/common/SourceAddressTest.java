package io.fleetca.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The keys of per-source limits and the exempt ranges (plain unit tests, no application). */
class SourceAddressTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "192.0.2.7                       | 192.0.2.7",
            "::ffff:192.0.2.7                | 192.0.2.7",          // IPv4-mapped: the IPv4 address
            "2001:db8:1:2:aaaa::1            | 2001:0db8:0001:0002::/64",
            "2001:db8:1:2:ffff:ffff:ffff:ff  | 2001:0db8:0001:0002::/64", // the same /64: one source
            "fe80::1%eth0                    | fe80:0000:0000:0000::/64", // the zone names an interface
            "example.com                     | unknown",            // never a name to resolve
            "999.1.1.1                       | unknown",
            "''                              | unknown",
    })
    void keys(String address, String key) {
        assertEquals(key, SourceAddress.key(address));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1       | 127.0.0.1     | true",
            "127.0.0.1       | 127.0.0.2     | false",
            "10.0.0.0/8      | 10.255.1.2    | true",
            "10.0.0.0/8      | 11.0.0.1      | false",
            "192.0.2.128/25  | 192.0.2.200   | true",
            "192.0.2.128/25  | 192.0.2.127   | false",
            "2001:db8::/32   | 2001:db8:9::1 | true",
            "2001:db8::/32   | 2001:db9::1   | false",
            "10.0.0.0/8      | ::1           | false",              // another family
            "0.0.0.0/0       | 203.0.113.9   | true",
            "10.0.0.0/8      | not-an-ip     | false",
    })
    void ranges(String range, String address, boolean within) {
        assertEquals(within, AddressRange.parse(range).contains(address));
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.0/33", "10.0.0.0/x", "localhost", "2001:db8::/129"})
    void badRangesAreRefusedAtStart(String range) {
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(range));
    }
}
