package io.fleetca.registry;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A station's hourly enrollment budget, shared by every instance through one counter row per station and
 * hour ({@code station_rate}), taken from that row in blocks ("allotments") so that enrollments do not
 * queue on the row: an instance takes up to {@link #blockFor} units in one short transaction, then hands
 * them out from memory, and units given back (a refused or idempotent enrollment) go back to its block.
 *
 * <p>The row counts the units allotted to instances, never more than the limit (its UPDATE is guarded by
 * the limit, under the row lock), so all instances together issue at most the limit per hour. Units an
 * instance holds when the hour ends, or when it stops, are not used by anyone: a station near its limit
 * behind several instances may be refused a few units early, never late. Small budgets (under 50 per
 * hour) get blocks of one unit, which is exactly the per-request count.
 */
@ApplicationScoped
public class RateAllotments {

    /** Largest block an instance takes at once (bounds the units one stopped instance can strand). */
    static final int MAX_BLOCK = 32;

    @Inject
    EntityManager em;

    /** Units this instance holds, per station and window start; only the current windows are kept. */
    private final Map<Key, Held> held = new ConcurrentHashMap<>();

    private record Key(String stationId, Instant windowStart) {}

    /** Units in hand for one window; guarded by its own monitor. */
    private static final class Held {
        int units;
    }

    /** Block size for a limit: a fiftieth of it, at least 1, at most {@link #MAX_BLOCK}. */
    static int blockFor(int limit) {
        return Math.max(1, Math.min(MAX_BLOCK, limit / 50));
    }

    /** Takes one unit from the window starting at {@code windowStart}; false when {@code limit} are used. */
    public boolean tryTake(String stationId, Instant windowStart, int limit) {
        Key key = new Key(stationId, windowStart);
        Held h = held.get(key);
        if (h == null) {
            held.keySet().removeIf(old -> old.windowStart().isBefore(windowStart)); // past windows are over
            h = held.computeIfAbsent(key, k -> new Held());
        }
        synchronized (h) {
            if (h.units > 0) {
                h.units--;
                return true;
            }
            // One taker per station at a time refills; others of this station wait here for its result.
            int granted = allot(stationId, windowStart, limit, blockFor(limit));
            if (granted == 0) {
                return false;
            }
            h.units += granted - 1;
            return true;
        }
    }

    /** Returns a unit taken by {@link #tryTake} for an enrollment that then produced no certificate. */
    public void giveBack(String stationId, Instant windowStart) {
        Held h = held.get(new Key(stationId, windowStart));
        if (h != null) {
            synchronized (h) {
                h.units++;
            }
        }
    }

    /** Units this instance holds for the window (tests and metrics). */
    public int heldUnits(String stationId, Instant windowStart) {
        Held h = held.get(new Key(stationId, windowStart));
        if (h == null) {
            return 0;
        }
        synchronized (h) {
            return h.units;
        }
    }

    /**
     * In its own transaction: moves up to {@code block} units from the shared counter to this instance,
     * never past {@code limit}; returns how many (0 when the budget is used up).
     */
    private int allot(String stationId, Instant windowStart, int limit, int block) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (ThreadLocalRandom.current().nextInt(64) == 0) {
                // Past windows are never read again: forget them now and then.
                em.createNativeQuery("DELETE FROM station_rate WHERE window_start < ?1")
                        .setParameter(1, windowStart.minus(Duration.ofDays(1))).executeUpdate();
            }
            em.createNativeQuery("INSERT INTO station_rate (station_id, window_start, used) VALUES (?1, ?2, 0)"
                            + " ON CONFLICT DO NOTHING")
                    .setParameter(1, stationId).setParameter(2, windowStart).executeUpdate();
            Object used = em.createNativeQuery("SELECT used FROM station_rate WHERE station_id = ?1 AND window_start = ?2"
                            + " FOR UPDATE")
                    .setParameter(1, stationId).setParameter(2, windowStart).getSingleResult();
            int granted = Math.max(0, Math.min(block, limit - ((Number) used).intValue()));
            if (granted > 0) {
                em.createNativeQuery("UPDATE station_rate SET used = used + ?3 WHERE station_id = ?1 AND window_start = ?2")
                        .setParameter(1, stationId).setParameter(2, windowStart).setParameter(3, granted).executeUpdate();
            }
            return granted;
        });
    }
}
