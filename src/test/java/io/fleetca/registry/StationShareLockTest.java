package io.fleetca.registry;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The station checks of every enrollment, now plain JDBC (TransactionSql): the token check's read
 * ({@link StationRegistry#current}) and the recording transaction's share lock ({@link StationRegistry#lockIfEnabled}),
 * against PostgreSQL: both see the station as stored, a disable included.
 */
@QuarkusTest
class StationShareLockTest {

    @Inject
    StationRegistry stations;

    @Test
    void currentReadsTheStationAsStoredAndTheLockSeesADisable() {
        TestStation station = TestStation.register();
        StationRecord read = stations.current(station.id).orElseThrow();
        assertEquals(station.name, read.name());
        assertTrue(read.enabled());
        assertEquals(stations.find(station.id).orElseThrow().profiles(), read.profiles());
        assertEquals(Optional.empty(), stations.current("00000000-0000-4000-8000-000000000000"));
        assertTrue(QuarkusTransaction.requiringNew().call(() -> stations.lockIfEnabled(station.id)));

        assertEquals(200, disable(station));

        assertFalse(stations.current(station.id).orElseThrow().enabled());
        assertFalse(QuarkusTransaction.requiringNew().call(() -> stations.lockIfEnabled(station.id)));
        assertFalse(QuarkusTransaction.requiringNew().call(() -> stations.lockIfEnabled("00000000-0000-4000-8000-000000000000")));
    }

    private static int disable(TestStation station) {
        return given().header("Authorization", TestTokens.admin()).when().post("/api/v1/stations/" + station.id + "/disable")
                .statusCode();
    }
}
