package io.fleetca.enrollment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EnrollmentCodeTest {

    @Inject
    DataSource dataSource;

    static Response create(String deviceId, Map<String, Object> body) {
        return given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/devices/" + deviceId + "/enrollment-codes");
    }

    @Test
    void adminCreatesACodeThatIsStoredOnlyAsAHash() throws Exception {
        Fixtures.Enrolled device = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        String expires = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        Response r = create(device.deviceId(), Map.of("profile", "operational", "expiresAt", expires));
        r.then().statusCode(201).contentType(ContentType.JSON).body("deviceId", equalTo(device.deviceId()))
                .body("profile", equalTo("operational")).body("expiresAt", equalTo(expires))
                .body("code", matchesPattern("[A-Za-z0-9_-]{32}"));
        String code = r.path("code");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT * FROM enrollment_code")) {
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                for (int i = 1; i <= columns; i++) {
                    assertFalse(code.equals(rows.getString(i)), "the code itself is never stored");
                }
            }
        }
        given().header("Authorization", TestTokens.auditor()).queryParam("size", 50).when().get("/api/v1/audit")
                .then().body("items.find { it.action == 'enrollment-code.created' }.details", containsString("operational"))
                .body("items.find { it.action == 'enrollment-code.created' }.details", org.hamcrest.Matchers.not(containsString(code)));
    }

    @Test
    void refusals() {
        Fixtures.Enrolled device = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        String tomorrow = Instant.now().plus(1, ChronoUnit.DAYS).toString();
        create("never-seen", Map.of("profile", "operational", "expiresAt", tomorrow)).then().statusCode(404)
                .contentType("application/problem+json");
        create(device.deviceId(), Map.of("profile", "nope", "expiresAt", tomorrow)).then().statusCode(400)
                .body("type", equalTo("https://fleetca.io/problems/unknown-profile"));
        create(device.deviceId(), Map.of("profile", "operational", "expiresAt", Instant.now().minusSeconds(5).toString()))
                .then().statusCode(400).body("detail", containsString("expiresAt"));
        create(device.deviceId(), Map.of("profile", "operational", "expiresAt", Instant.now().plus(400, ChronoUnit.DAYS).toString()))
                .then().statusCode(400).body("detail", containsString("30 days"));
        create(device.deviceId(), Map.of("profile", "operational")).then().statusCode(400);
        given().header("Authorization", TestTokens.auditor()).contentType(ContentType.JSON)
                .body(Map.of("profile", "operational", "expiresAt", tomorrow))
                .when().post("/api/v1/devices/" + device.deviceId() + "/enrollment-codes").then().statusCode(403);
        Fixtures.admin("/api/v1/devices/" + device.deviceId() + "/decommission", "").then().statusCode(200);
        create(device.deviceId(), Map.of("profile", "operational", "expiresAt", tomorrow)).then().statusCode(409)
                .body("type", equalTo("https://fleetca.io/problems/device-decommissioned"));
    }
}
