package io.fleetca.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.common.ChunkedBytes;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL a CRL is stored as it is (STORAGE EXTERNAL, V12: no pglz pass over DER that does not
 * compress), streamed in and read back in slices byte for byte, across slice boundaries.
 */
@QuarkusTest
class CrlStorageTest {

    @Inject
    CrlStore store;

    @Inject
    EntityManager em;

    @Test
    void derColumnIsStoredUncompressed() {
        Object storage = em.createNativeQuery("SELECT attstorage FROM pg_attribute"
                + " WHERE attrelid = 'crl'::regclass AND attname = 'der'").getSingleResult();
        assertEquals("e", String.valueOf(storage), "pg_attribute.attstorage of crl.der ('e' = EXTERNAL)");
    }

    @Test
    void aLargeCrlIsStoredAndReadBackExactly() {
        String ca = "crl-storage-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        io.restassured.RestAssured.given().header("Authorization", io.fleetca.testing.TestTokens.admin())
                .contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("id", ca, "subject", "CN=" + ca))
                .when().post("/api/v1/cas").then().statusCode(201);
        long number = store.reserveNumbers(ca, 2) + 1_000_000; // above whatever the publisher stores meanwhile
        byte[] big = new byte[9 * 1024 * 1024 + 12345]; // more than two read slices, not a multiple of one
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i % 251); // compresses well: pglz would shrink it, EXTERNAL must not
        }
        Instant now = Instant.now();
        PublishedCrl full = new PublishedCrl(ca, number, false, null, now, now.plusSeconds(60), Long.MAX_VALUE / 2, 0, 1, "a".repeat(64));
        PublishedCrl delta = new PublishedCrl(ca, number + 1, true, number, now, now.plusSeconds(60), Long.MAX_VALUE / 2, 0, 1, "b".repeat(64));
        assertTrue(store.publish(full, ChunkedBytes.of(big), delta, ChunkedBytes.of(new byte[] {5})));
        assertArrayEquals(big, store.der(ca, number).orElseThrow().toByteArray());
        assertArrayEquals(new byte[] {5}, store.der(ca, number + 1).orElseThrow().toByteArray());
        Number stored = (Number) em.createNativeQuery("SELECT pg_column_size(der) FROM crl WHERE ca_id = ?1 AND crl_number = ?2")
                .setParameter(1, ca).setParameter(2, number).getSingleResult();
        assertTrue(stored.longValue() >= big.length, "stored as is: " + stored + " bytes for " + big.length);
    }
}
