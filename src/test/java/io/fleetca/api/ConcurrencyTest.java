package io.fleetca.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetca.registry.TokenLedger;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Guarantees that hold across instances because they live in the database, not in memory:
 * concurrent callers race on the same row and exactly one wins.
 */
@QuarkusTest
class ConcurrencyTest {

    @Inject
    TokenLedger tokens;

    @Test
    void aTokenIdIsAcceptedOnceUnderConcurrency() throws Exception {
        TestStation station = TestStation.register();
        String jti = UUID.randomUUID().toString();
        Instant expires = Instant.now().plusSeconds(300);
        List<Boolean> results = race(8, () -> tokens.consume(station.id, jti, expires, Instant.now()));
        assertEquals(1, results.stream().filter(b -> b).count(), results.toString());
    }

    @Test
    void oneKeyIsCertifiedForOneDeviceUnderConcurrency() throws Exception {
        TestStation station = TestStation.register();
        String csr = TestCsrs.pemFor(TestCsrs.ecP256());
        List<Integer> statuses = race(4, () -> EnrollmentTest.enroll(station, TestStation.newDeviceId(), "operational", csr)
                .then().extract().statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    }

    @Test
    void identicalRetriesRacingGetOneCertificate() throws Exception {
        TestStation station = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        String csr = TestCsrs.pemFor(TestCsrs.ecP256());
        List<Integer> statuses = race(4, () -> given().header("Authorization", station.token(deviceId))
                .contentType(io.restassured.http.ContentType.JSON).body(java.util.Map.of("profile", "operational", "csr", csr))
                .when().post("/api/v1/devices/" + deviceId + "/certificates").then().extract().statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        // The others got the same certificate (200) or were told to retry while it was being signed (409).
        assertEquals(3, statuses.stream().filter(s -> s == 200 || s == 409).count(), statuses.toString());
        given().header("Authorization", io.fleetca.testing.TestTokens.auditor()).when().get("/api/v1/devices/" + deviceId)
                .then().body("certificates.size()", org.hamcrest.Matchers.equalTo(1));
    }

    private static <T> List<T> race(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(task));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
