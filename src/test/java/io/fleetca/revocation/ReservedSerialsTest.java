package io.fleetca.revocation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.fleetca.ocsp.OcspTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.junit.jupiter.api.Test;

/**
 * A serial reserved and never issued (what kill -9 while the HSM signs leaves: the reservation committed, the
 * recording never did; src/test/faults/run.sh makes real ones) is listed for admins and auditors, and OCSP
 * never answers good for it.
 */
@QuarkusTest
class ReservedSerialsTest {

    @Inject
    DataSource dataSource;

    @Test
    void aSerialLeftReservedIsListedAndNeverGood() throws Exception {
        Fixtures.Enrolled device = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        String serial = new BigInteger(120, new SecureRandom()).setBit(119).toString(16);
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO certificate (issuer_id, serial, status, device_id, station_id, profile, spki_sha256, not_before,"
                        + " not_after, reserved_at) SELECT issuer_id, ?, 'RESERVED', device_id, station_id, profile,"
                        + " spki_sha256, not_before, not_after, ? FROM certificate WHERE serial = ?")) {
            insert.setString(1, serial);
            insert.setTimestamp(2, Timestamp.from(Instant.now().minusSeconds(300)));
            insert.setString(3, device.serial());
            insert.executeUpdate();
        }

        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/reserved")
                .then().statusCode(200).body("olderThan", containsString("PT2M"))
                .body("serials.serial", hasItem(serial)).body("serials.serial", not(hasItem(device.serial())));
        given().header("Authorization", TestTokens.admin()).queryParam("olderThan", "PT10M")
                .when().get("/api/v1/certificates/reserved").then().statusCode(200)
                .body("serials.serial", not(hasItem(serial)));
        given().header("Authorization", TestTokens.admin()).queryParam("olderThan", "ten minutes")
                .when().get("/api/v1/certificates/reserved").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("ISO-8601"));
        given().header("Authorization", TestTokens.admin()).queryParam("limit", 0)
                .when().get("/api/v1/certificates/reserved").then().statusCode(400);
        given().when().get("/api/v1/certificates/reserved").then().statusCode(401);

        // RFC 6960 §2.2: never issued by this CA, so unknown (not good, and not in any CRL).
        CertificateID id = OcspTest.certId(device.issuer(), new BigInteger(serial, 16), CertificateID.HASH_SHA1);
        assertInstanceOf(UnknownStatus.class, OcspTest.verified(OcspTest.post(OcspTest.request(null, id)), device.issuer())
                .getResponses()[0].getCertStatus());
    }
}
