package io.fleetca.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetca.enrollment.EnrollmentTest;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void changesAndRefusalsAreAuditedAndTheChainVerifies() {
        TestStation s = TestStation.register();
        String device = TestStation.newDeviceId();
        EnrollmentTest.enroll(s, device, "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(201);
        EnrollmentTest.enroll(s, TestStation.newDeviceId(), "no-such", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(400);

        given().header("Authorization", TestTokens.auditor()).queryParam("size", 500).when().get("/api/v1/audit")
                .then().statusCode(200).body("total", greaterThan(3))
                .body("items.action", hasItem("ca.created"))
                .body("items.action", hasItem("station.registered"))
                .body("items.action", hasItem("certificate.issued"))
                .body("items.action", hasItem("request.refused"));
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/audit/verify")
                .then().statusCode(200).body("intact", equalTo(true));
    }

    @Test
    void refusedOperatorRequestsAreAuditedWithTheirActor() {
        given().header("Authorization", TestTokens.auditor()).when().post("/api/v1/stations/some-id/disable")
                .then().statusCode(403);
        given().header("Authorization", TestTokens.auditor()).queryParam("size", 20).when().get("/api/v1/audit")
                .then().statusCode(200)
                .body("items.find { it.action == 'request.refused' && it.target == 'POST /api/v1/stations/some-id/disable' }.actor",
                        equalTo("auditor:alice"));
    }

    @Test
    void editingAStoredEventBreaksTheChainAtThatEvent() throws Exception {
        TestStation.register(); // at least one event exists
        long seq;
        String original;
        try (Connection c = dataSource.getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT seq, details FROM audit_event ORDER BY seq LIMIT 1 OFFSET 1")) {
            rs.next();
            seq = rs.getLong(1);
            original = rs.getString(2);
        }
        update(seq, "{\"tampered\":\"yes\"}");
        try {
            given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/audit/verify")
                    .then().statusCode(200).body("intact", equalTo(false))
                    .body("firstBrokenSeq", equalTo((int) seq)).body("reason", notNullValue());
        } finally {
            update(seq, original);
        }
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/audit/verify")
                .then().statusCode(200).body("intact", equalTo(true));
    }

    private void update(long seq, String details) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE audit_event SET details = ? WHERE seq = ?")) {
            ps.setString(1, details);
            ps.setLong(2, seq);
            assertEquals(1, ps.executeUpdate());
        }
    }
}
