package io.fleetca.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.fleetca.enrollment.EnrollmentTest;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OperationsTest {

    @Test
    void healthChecksAreUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("key-store", "Database connections health check"));
    }

    @Test
    void metricsCountEnrollmentsByResultAndTimeSigning() {
        TestStation s = TestStation.register();
        EnrollmentTest.enroll(s, TestStation.newDeviceId(), "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(201);
        EnrollmentTest.enroll(s, TestStation.newDeviceId(), "operational", "garbage").then().statusCode(400);
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("fleetca_enrollments_total{result=\"issued\"}"))
                .body(containsString("fleetca_enrollments_total{result=\"bad-csr\"}"))
                .body(containsString("fleetca_signing_duration_seconds_count{issuer=\"dev-issuing\"}"));
    }

    @Test
    void deviceInventoryFiltersAndPages() {
        TestStation s = TestStation.register();
        for (int i = 0; i < 3; i++) {
            EnrollmentTest.enroll(s, TestStation.newDeviceId(), "operational", TestCsrs.pemFor(TestCsrs.ecP256()))
                    .then().statusCode(201);
        }
        given().header("Authorization", TestTokens.auditor()).queryParam("stationId", s.id).queryParam("size", 2)
                .when().get("/api/v1/devices").then().statusCode(200)
                .body("total", equalTo(3)).body("items.size()", equalTo(2)).body("size", equalTo(2));
        given().header("Authorization", TestTokens.auditor()).queryParam("stationId", s.id).queryParam("page", 1)
                .queryParam("size", 2).when().get("/api/v1/devices").then().body("items.size()", equalTo(1));
        // operational certificates last 90 days: all three are due within 100 days, none within 30
        given().header("Authorization", TestTokens.auditor()).queryParam("stationId", s.id)
                .queryParam("expiringBefore", java.time.Instant.now().plus(java.time.Duration.ofDays(100)).toString())
                .when().get("/api/v1/devices").then().body("total", equalTo(3));
        given().header("Authorization", TestTokens.auditor()).queryParam("stationId", s.id)
                .queryParam("expiringBefore", java.time.Instant.now().plus(java.time.Duration.ofDays(30)).toString())
                .when().get("/api/v1/devices").then().body("total", equalTo(0));
        given().header("Authorization", TestTokens.auditor()).queryParam("status", "ACTIVE").queryParam("stationId", s.id)
                .when().get("/api/v1/devices").then().body("total", equalTo(3));
        given().header("Authorization", TestTokens.auditor()).queryParam("status", "BROKEN")
                .when().get("/api/v1/devices").then().statusCode(400);
        given().header("Authorization", TestTokens.auditor()).queryParam("page", "x")
                .when().get("/api/v1/devices").then().statusCode(400).body("detail", equalTo("page must be an integer"));
        given().header("Authorization", TestTokens.auditor()).queryParam("size", 100000)
                .when().get("/api/v1/devices").then().statusCode(400);
        given().header("Authorization", TestTokens.auditor()).queryParam("expiringBefore", "tomorrow")
                .when().get("/api/v1/devices").then().statusCode(400);
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/zz").then().statusCode(400);
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/abcdef").then().statusCode(404);
    }

    @Test
    void unknownRoutesAndInternalsNeverLeak() {
        given().when().get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", TestTokens.admin()).contentType("text/plain").body("x")
                .when().post("/api/v1/stations").then().statusCode(415).contentType("application/problem+json");
    }
}
