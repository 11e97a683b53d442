package io.fleetca.registry;

import io.fleetca.common.ChunkedBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * CRL numbers come from the database: builders running at once (as on several instances) never
 * get the same number, and a build that lost the race cannot publish an older CRL over a newer one.
 */
@QuarkusTest
class CrlNumberTest {

    @Inject
    CrlStore store;

    @Test
    void concurrentBuildersGetDistinctConsecutiveNumbers() throws Exception {
        String ca = newCa();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(pool.submit(() -> {
                List<Long> got = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    got.add(store.reserveNumbers(ca, 2));
                }
                return got;
            }));
        }
        Set<Long> numbers = new TreeSet<>();
        for (Future<List<Long>> f : futures) {
            for (long first : f.get()) {
                assertTrue(numbers.add(first) && numbers.add(first + 1), "number handed out twice: " + first);
            }
        }
        pool.shutdown();
        // (The publisher may take numbers for this new CA meanwhile: gaps are allowed, repeats are not.)
        assertEquals(320, numbers.size());
    }

    /** A CA of its own: the CRLs stored here are not real ones. */
    private static String newCa() {
        String id = "crl-number-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        io.restassured.RestAssured.given().header("Authorization", io.fleetca.testing.TestTokens.admin())
                .contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("id", id, "subject", "CN=" + id)).when().post("/api/v1/cas")
                .then().statusCode(201);
        return id;
    }

    @Test
    void anOlderBuildIsNotPublishedOverANewerOne() {
        String ca = newCa();
        long newer = store.reserveNumbers(ca, 2);
        long older = newer - 2;
        java.time.Instant now = java.time.Instant.now();
        PublishedCrl full = new PublishedCrl(ca, newer, false, null, now, now.plusSeconds(60), 1_000_000, 0, 1, "a".repeat(64));
        PublishedCrl delta = new PublishedCrl(ca, newer + 1, true, newer, now, now.plusSeconds(60), 1_000_000, 0, 1, "b".repeat(64));
        assertTrue(store.publish(full, ChunkedBytes.of(new byte[] {1}), delta, ChunkedBytes.of(new byte[] {2})));
        PublishedCrl stale = new PublishedCrl(ca, older, false, null, now, now.plusSeconds(60), 999_999, 0, 1, "c".repeat(64));
        PublishedCrl staleDelta = new PublishedCrl(ca, older + 1, true, older, now, now.plusSeconds(60), 999_999, 0, 1, "d".repeat(64));
        assertFalse(store.publish(stale, ChunkedBytes.of(new byte[] {3}), staleDelta, ChunkedBytes.of(new byte[] {4})));
        assertEquals(newer, store.latest(ca, false).orElseThrow().number());
    }
}
