package io.fleetca.revocation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.enrollment.EnrollmentTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.security.KeyPair;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RevocationTest {

    @Test
    void revokingTwiceChangesNothingTheSecondTime() {
        TestStation station = TestStation.register();
        Fixtures.Enrolled cert = Fixtures.enroll(station, TestStation.newDeviceId());
        String invalid = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();

        Fixtures.revoke(cert.serial(), Map.of("reason", "keyCompromise", "invalidityDate", invalid))
                .then().statusCode(200).contentType(ContentType.JSON).body("changed", equalTo(true))
                .body("certificate.status", equalTo("REVOKED"))
                .body("certificate.revocationReason", equalTo("keyCompromise"))
                .body("certificate.invalidityDate", equalTo(invalid));
        Fixtures.revoke(cert.serial(), "superseded").then().statusCode(200).body("changed", equalTo(false))
                .body("message", containsString("already revoked"))
                .body("certificate.revocationReason", equalTo("keyCompromise"));

        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + cert.serial())
                .then().statusCode(200).body("status", equalTo("REVOKED")).body("revocationReason", equalTo("keyCompromise"));
        given().header("Authorization", TestTokens.auditor()).queryParam("size", 200).when().get("/api/v1/audit")
                .then().statusCode(200).body("items.findAll { it.action == 'certificate.revoked' }.target",
                        hasItems("certificate:" + cert.serial()));
    }

    @Test
    void aKeyRevokedForCompromiseIsNeverCertifiedAgain() {
        TestStation station = TestStation.register();
        KeyPair key = TestCsrs.ecP256();
        String device = TestStation.newDeviceId();
        Fixtures.Enrolled cert = Fixtures.enroll(station, device, key);
        Response idevid = EnrollmentTest.enroll(station, device, "idevid", TestCsrs.pemFor(key));
        idevid.then().statusCode(201);
        String sameKey = idevid.path("serial");
        Fixtures.revoke(cert.serial(), "keyCompromise").then().statusCode(200)
                .body("message", containsString("1 other certificate(s) of the same key revoked"));
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + sameKey)
                .then().body("status", equalTo("REVOKED")).body("revocationReason", equalTo("keyCompromise"));

        EnrollmentTest.enroll(station, device, "idevid", TestCsrs.pemFor(key))
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://fleetca.io/problems/compromised-key"));
    }

    @Test
    void refusalsNameWhatWasWrongAndChangeNothing() {
        TestStation station = TestStation.register();
        Fixtures.Enrolled cert = Fixtures.enroll(station, TestStation.newDeviceId());

        Fixtures.revoke("7fffffffffffffffffffffffffffff01", "keyCompromise").then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("https://fleetca.io/problems/not-found"));
        Fixtures.revoke(cert.serial(), "removeFromCRL").then().statusCode(400)
                .body("detail", containsString("reason must be one of"));
        Fixtures.revoke(cert.serial(), Map.of("reason", "keyCompromise", "invalidityDate", "yesterday"))
                .then().statusCode(400).body("detail", containsString("invalidityDate"));
        Fixtures.revoke(cert.serial(), Map.of("reason", "keyCompromise",
                        "invalidityDate", Instant.now().plus(1, ChronoUnit.DAYS).toString()))
                .then().statusCode(400).body("detail", containsString("future"));
        Fixtures.revoke("not-hex", "keyCompromise").then().statusCode(400);
        for (String ancient : new String[] {"-0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z"}) {
            Fixtures.revoke(cert.serial(), Map.of("reason", "keyCompromise", "invalidityDate", ancient))
                    .then().statusCode(400).body("detail", containsString("invalidityDate"));
        }
        given().contentType(ContentType.JSON).body(Map.of("reason", "keyCompromise"))
                .when().post("/api/v1/certificates/" + cert.serial() + "/revoke").then().statusCode(401);
        given().header("Authorization", TestTokens.auditor()).contentType(ContentType.JSON)
                .body(Map.of("reason", "keyCompromise"))
                .when().post("/api/v1/certificates/" + cert.serial() + "/revoke").then().statusCode(403);
        given().header("Authorization", station.token(cert.deviceId())).contentType(ContentType.JSON)
                .body(Map.of("reason", "keyCompromise"))
                .when().post("/api/v1/certificates/" + cert.serial() + "/revoke").then().statusCode(403);
        Fixtures.admin("/api/v1/certificates/" + cert.serial() + "/release", "").then().statusCode(409)
                .body("detail", containsString("not on hold"));

        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + cert.serial())
                .then().statusCode(200).body("status", equalTo("ISSUED")).body("revokedAt", nullValue());
    }

    @Test
    void holdIsLiftedByReleaseAndCanBeMadeFinal() {
        TestStation station = TestStation.register();
        Fixtures.Enrolled held = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.revoke(held.serial(), "certificateHold").then().statusCode(200)
                .body("certificate.revocationReason", equalTo("certificateHold"));
        Fixtures.admin("/api/v1/certificates/" + held.serial() + "/release", "").then().statusCode(200)
                .body("changed", equalTo(true)).body("certificate.status", equalTo("ISSUED"))
                .body("certificate.revocationReason", nullValue());

        Fixtures.Enrolled finalized = Fixtures.enroll(station, TestStation.newDeviceId());
        Response first = Fixtures.revoke(finalized.serial(), "certificateHold");
        String heldAt = first.path("certificate.revokedAt");
        Fixtures.revoke(finalized.serial(), "keyCompromise").then().statusCode(200).body("changed", equalTo(true))
                .body("certificate.revocationReason", equalTo("keyCompromise"))
                .body("certificate.revokedAt", equalTo(heldAt));
    }

    @Test
    void decommissionRevokesEverythingAndBlocksEnrollmentUntilReactivated() {
        TestStation station = TestStation.register();
        String device = TestStation.newDeviceId();
        Fixtures.Enrolled a = Fixtures.enroll(station, device);
        Fixtures.Enrolled b = Fixtures.enroll(station, device);
        Fixtures.revoke(b.serial(), "certificateHold").then().statusCode(200);

        Response r = Fixtures.admin("/api/v1/devices/" + device + "/decommission", "");
        r.then().statusCode(200).body("status", equalTo("DECOMMISSIONED")).body("changed", equalTo(true));
        List<String> revoked = r.path("revokedSerials");
        assertEquals(2, revoked.size(), "the live and the held certificate: " + revoked);
        assertTrue(revoked.containsAll(List.of(a.serial(), b.serial())));
        for (String serial : revoked) {
            given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + serial)
                    .then().body("status", equalTo("REVOKED")).body("revocationReason", equalTo("cessationOfOperation"));
        }

        EnrollmentTest.enroll(station, device, "operational", TestCsrs.pemFor(TestCsrs.ecP256()))
                .then().statusCode(409).body("type", equalTo("https://fleetca.io/problems/device-decommissioned"));
        Fixtures.admin("/api/v1/devices/" + device + "/decommission", Map.of("reason", "keyCompromise"))
                .then().statusCode(200).body("changed", equalTo(false));
        Fixtures.admin("/api/v1/devices/" + device + "/decommission", Map.of("reason", "certificateHold"))
                .then().statusCode(400);
        Fixtures.admin("/api/v1/devices/no-such-device/decommission", "").then().statusCode(404);

        Fixtures.admin("/api/v1/devices/" + device + "/reactivate", "").then().statusCode(200)
                .body("status", equalTo("ACTIVE")).body("changed", equalTo(true));
        Fixtures.enroll(station, device);
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + a.serial())
                .then().body("status", equalTo("REVOKED"));
        given().header("Authorization", TestTokens.auditor()).queryParam("size", 200).when().get("/api/v1/audit")
                .then().body("items.action", hasItems("device.decommissioned", "device.reactivated"));
    }

    @Test
    void bulkRevocationByStationAndTimeWindow() {
        TestStation compromised = TestStation.register();
        TestStation other = TestStation.register();
        Instant before = Instant.now().minusSeconds(1);
        List<Fixtures.Enrolled> batch = List.of(Fixtures.enroll(compromised, TestStation.newDeviceId()),
                Fixtures.enroll(compromised, TestStation.newDeviceId()),
                Fixtures.enroll(compromised, TestStation.newDeviceId()));
        Fixtures.Enrolled bystander = Fixtures.enroll(other, TestStation.newDeviceId());
        Instant after = Instant.now();

        Response r = Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise",
                "stationId", compromised.id, "issuedAfter", before.toString(), "issuedBefore", after.toString()));
        r.then().statusCode(201).body("status", equalTo("COMPLETED")).body("revoked", equalTo(3))
                .body("criteria.stationId", equalTo(compromised.id));
        String job = r.path("id");
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/revocations/" + job)
                .then().statusCode(200).body("revoked", equalTo(3)).body("reason", equalTo("keyCompromise"));
        for (Fixtures.Enrolled c : batch) {
            given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + c.serial())
                    .then().body("status", equalTo("REVOKED"));
        }
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + bystander.serial())
                .then().body("status", equalTo("ISSUED"));

        // Again: everything already revoked, nothing changes.
        Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise", "stationId", compromised.id,
                "issuedAfter", before.toString(), "issuedBefore", after.toString())).then().body("revoked", equalTo(0));
        Fixtures.admin("/api/v1/revocations", Map.of("reason", "superseded",
                "serials", List.of(bystander.serial()))).then().statusCode(201).body("revoked", equalTo(1));
    }

    @Test
    void bulkRefusals() {
        Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise")).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("say what to revoke"));
        Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise", "stationId",
                "0b7e5c0e-1f7e-4c47-9d59-6f7b7f2b1c11")).then().statusCode(400)
                .body("detail", containsString("issuedAfter"));
        Fixtures.admin("/api/v1/revocations", Map.of("reason", "nope", "serials", List.of("01"))).then().statusCode(400);
        Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise", "stationId",
                "0b7e5c0e-1f7e-4c47-9d59-6f7b7f2b1c11", "issuedAfter", "2026-01-01T00:00:00Z",
                "issuedBefore", Instant.now().plusSeconds(3600).toString())).then().statusCode(400)
                .body("detail", containsString("future"));
        Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise", "deviceIds", List.of("a\"b")))
                .then().statusCode(400).body("detail", containsString("deviceIds"));
        Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise", "serials", List.of("xyz")))
                .then().statusCode(400);
        given().header("Authorization", TestTokens.auditor()).when()
                .get("/api/v1/revocations/0b7e5c0e-1f7e-4c47-9d59-6f7b7f2b1c11").then().statusCode(404);
    }
}
