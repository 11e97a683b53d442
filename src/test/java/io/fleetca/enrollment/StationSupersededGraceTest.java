package io.fleetca.enrollment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.fleetca.est.EstTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.OwnJvmProfile;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With fleetca.enrollment.superseded-grace = 2 s, a station's earlier certificate stays good (and keeps
 * authorizing EST) when the station gets a new one, and is revoked (superseded) once the grace has ended.
 */
@QuarkusTest
@TestProfile(OwnJvmProfile.class)
@Tag("own-jvm")
class StationSupersededGraceTest {

    @Test
    void theEarlierStationCertificateIsRevokedAfterTheGrace() throws Exception {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        TestStation station = TestStation.register();
        Fixtures.Enrolled first = EstTest.stationCertificate(station, TestCsrs.ecP256());
        Fixtures.Enrolled second = EstTest.stationCertificate(station, TestCsrs.ecP256());
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + first.serial())
                .then().body("status", equalTo("ISSUED"));
        given().header("Authorization", TestTokens.auditor()).queryParam("size", 50).when().get("/api/v1/audit")
                .then().body("items.find { it.action == 'certificate.superseded' }.target",
                        equalTo("certificate:" + first.serial()));

        long deadline = System.currentTimeMillis() + 20_000;
        String status;
        do {
            Thread.sleep(250);
            status = given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + first.serial())
                    .then().extract().path("status");
        } while (!"REVOKED".equals(status) && System.currentTimeMillis() < deadline);
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + first.serial())
                .then().body("status", equalTo("REVOKED")).body("revocationReason", equalTo("superseded"));
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + second.serial())
                .then().body("status", equalTo("ISSUED"));
    }
}
