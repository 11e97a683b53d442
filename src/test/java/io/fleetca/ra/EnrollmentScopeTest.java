package io.fleetca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fleetca.auth.EnrollmentGrant;
import io.fleetca.common.FleetCaException;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.profile.RenewalKey;
import io.fleetca.registry.StationRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Step 1 of the issuance pipeline, rule by rule: each row a grant, a device id, a profile and the outcome. */
class EnrollmentScopeTest {

    private static final EnrollmentScope SCOPE = new EnrollmentScope("https://ca.example.test:8443");

    private static final StationRecord STATION = new StationRecord("8d4f0b9e-54c5-4c1b-9a0a-2d6d0a4f7c11", "line-a", "{}",
            List.of("operational", "server"), "line-a-[0-9]{3}", 100, true, Instant.EPOCH, null, false);

    private static CertificateProfile profile(String name, String... ekus) {
        return new CertificateProfile(name, Duration.ofDays(30), false, Set.of(DeviceKeyType.EC_P256), 2048, 4096,
                Optional.empty(), List.of(ekus), Duration.ofMinutes(5), RenewalKey.ANY);
    }

    /** A station's own grant (token or TLS certificate): its profiles and its pattern. */
    private static final EnrollmentGrant STATION_SCOPE = new EnrollmentGrant("station:" + STATION.id(), STATION, null,
            STATION.profiles(), true, true, null, null, null, null);
    /** An admin's code (or a renewal): one profile, the station's pattern does not apply. */
    private static final EnrollmentGrant GRANTED = new EnrollmentGrant("device:lab-7", STATION, "lab-7",
            List.of("operational"), false, false, null, null, null, null);

    static Stream<Arguments> rows() {
        CertificateProfile operational = profile("operational", "clientAuth");
        CertificateProfile server = profile("server", "clientAuth", "serverAuth");
        CertificateProfile other = profile("factory", "clientAuth");
        return Stream.of(
                Arguments.of("in scope", STATION_SCOPE, "line-a-001", operational, null),
                Arguments.of("profile not the station's", STATION_SCOPE, "line-a-001", other, "out-of-scope"),
                Arguments.of("id outside the pattern", STATION_SCOPE, "line-b-001", operational, "out-of-scope"),
                Arguments.of("pattern is anchored", STATION_SCOPE, "xline-a-001", operational, "out-of-scope"),
                Arguments.of("serverAuth for a plain id", STATION_SCOPE, "line-a-002", server, null),
                Arguments.of("code: pattern not applied", GRANTED, "lab-7", operational, null),
                Arguments.of("code: other profile", GRANTED, "lab-7", server, "out-of-scope"),
                Arguments.of("serverAuth naming localhost", grant(List.of("server")), "localhost", server, "out-of-scope"),
                Arguments.of("serverAuth naming an IPv4 literal", grant(List.of("server")), "10.0.0.1", server, "out-of-scope"),
                Arguments.of("serverAuth naming an IPv6 literal", grant(List.of("server")), "fe80::1", server, "out-of-scope"),
                Arguments.of("serverAuth naming the public host", grant(List.of("server")), "CA.example.test", server, "out-of-scope"),
                Arguments.of("clientAuth may be called localhost", grant(List.of("operational")), "localhost", operational, null));
    }

    private static EnrollmentGrant grant(List<String> profiles) {
        return new EnrollmentGrant("device:x", STATION, "x", profiles, false, false, null, null, null, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(String row, EnrollmentGrant grant, String deviceId, CertificateProfile profile, String refusal) {
        if (refusal == null) {
            SCOPE.check(grant, deviceId, profile);
        } else {
            FleetCaException e = assertThrows(FleetCaException.class, () -> SCOPE.check(grant, deviceId, profile));
            assertEquals(refusal, e.type().slug(), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "SERIALNUMBER=dev-1,CN=Sensor     | dev-1",
            "CN=dev-2                         | dev-2",
            "CN=dev-3,O=Acme                  | dev-3",
            "O=Acme                           | bad-csr",
            "CN=a,CN=b                        | bad-csr",
            "CN=has space                     | bad-csr",
            "SERIALNUMBER=s-1,SERIALNUMBER=s-2 | bad-csr",
    })
    void theCsrSubjectNamesTheDevice(String subject, String expected) {
        X500Name name = new X500Name(subject.trim());
        if (expected.equals("bad-csr")) {
            FleetCaException e = assertThrows(FleetCaException.class, () -> EnrollmentScope.deviceIdOf(name));
            assertEquals("bad-csr", e.type().slug());
        } else {
            assertEquals(expected, EnrollmentScope.deviceIdOf(name));
        }
    }
}
