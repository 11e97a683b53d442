package io.fleetca.registry;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.RowLockWaits;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
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

    @Inject
    DataSource dataSource;

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

    /**
     * A recording holds the station row shared until it commits; a disable waits for it on the row lock, so its
     * disabledAt is later than every certificate that recording stored.
     */
    @Test
    void disableWaitsForARecordingThatHoldsTheStationShared() throws Exception {
        TestStation station = TestStation.register();
        CompletableFuture<Integer> disabling;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT enabled FROM station WHERE id = ? FOR SHARE")) {
                lock.setString(1, station.id);
                lock.executeQuery().close();
            }
            disabling = CompletableFuture.supplyAsync(() -> disable(station));
            Instant deadline = Instant.now().plusSeconds(30);
            while (!disabling.isDone() && !RowLockWaits.anyWaiting(dataSource) && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
            assertFalse(disabling.isDone(), "the disable did not wait for the share lock");
            assertTrue(RowLockWaits.anyWaiting(dataSource), "the disable is not waiting on a row lock");
            assertTrue(stations.current(station.id).orElseThrow().enabled());
            c.commit();
        }
        assertEquals(200, disabling.get(30, TimeUnit.SECONDS));
        assertFalse(stations.current(station.id).orElseThrow().enabled());
    }

    private static int disable(TestStation station) {
        return given().header("Authorization", TestTokens.admin()).when().post("/api/v1/stations/" + station.id + "/disable")
                .statusCode();
    }
}
