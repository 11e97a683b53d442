package io.fleetca.registry;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** Fixed-window counters in the database, so every instance sees the same count. */
@ApplicationScoped
public class RateWindows {

    @Inject
    EntityManager em;

    /** Takes one unit from the window starting at {@code windowStart}; false when {@code limit} are used. */
    public boolean tryTake(String stationId, Instant windowStart, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (ThreadLocalRandom.current().nextInt(256) == 0) {
                // Past windows are never read again: forget them now and then.
                em.createNativeQuery("DELETE FROM station_rate WHERE window_start < ?1")
                        .setParameter(1, windowStart.minus(Duration.ofDays(1))).executeUpdate();
            }
            em.createNativeQuery("INSERT INTO station_rate (station_id, window_start, used) VALUES (?1, ?2, 0)"
                            + " ON CONFLICT DO NOTHING")
                    .setParameter(1, stationId).setParameter(2, windowStart).executeUpdate();
            return em.createNativeQuery("UPDATE station_rate SET used = used + 1"
                            + " WHERE station_id = ?1 AND window_start = ?2 AND used < ?3")
                    .setParameter(1, stationId).setParameter(2, windowStart).setParameter(3, limit)
                    .executeUpdate() == 1;
        });
    }

    /** Returns a unit taken by {@link #tryTake} for an enrollment that then produced no certificate. */
    public void giveBack(String stationId, Instant windowStart) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "UPDATE station_rate SET used = used - 1 WHERE station_id = ?1 AND window_start = ?2 AND used > 0")
                .setParameter(1, stationId).setParameter(2, windowStart).executeUpdate());
    }
}
