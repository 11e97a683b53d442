package io.fleetca.enrollment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.fleetca.ra.EnrollmentGate;
import io.fleetca.testing.OwnJvmProfile;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With fleetca.enrollment.max-concurrent = 2 and a 0.5 s queue timeout: while two enrollments hold their
 * turns, a third waits, then gets 503 busy (problem+json, Retry-After) with nothing done; once a turn is
 * free the same request succeeds (its token was not used up).
 */
@QuarkusTest
@TestProfile(OwnJvmProfile.class)
@Tag("own-jvm")
class EnrollmentGateTest {

    @Inject
    EnrollmentGate gate;

    @Test
    void pastTheQueueTimeoutAnEnrollmentIsRefusedBusyAndChangesNothing() throws Exception {
        TestStation s = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        String token = s.token(deviceId);
        Map<String, String> body = Map.of("profile", "operational", "csr", TestCsrs.pemFor(TestCsrs.ecP256()));

        CountDownLatch holding = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 2; i++) {
                pool.submit(() -> gate.inTurn(() -> {
                    holding.countDown();
                    try {
                        return release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }));
            }
            holding.await(10, TimeUnit.SECONDS);
            given().header("Authorization", token).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/devices/" + deviceId + "/certificates")
                    .then().statusCode(503).contentType("application/problem+json").header("Retry-After", "1")
                    .body("type", equalTo("https://fleetca.io/problems/busy"))
                    .body("detail", containsString("waited"));
            given().header("Authorization", io.fleetca.testing.TestTokens.auditor())
                    .when().get("/api/v1/devices/" + deviceId).then().statusCode(404);
        } finally {
            release.countDown();
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        given().header("Authorization", token).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/devices/" + deviceId + "/certificates").then().statusCode(201);
    }
}
