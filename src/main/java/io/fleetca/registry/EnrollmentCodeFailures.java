package io.fleetca.registry;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Wrong enrollment codes per registered device, counted in a window that starts at the first failure (shared by
 * every instance on the database). A device with {@code limit} failures in its window is locked until the
 * window ends; an admin creating a new code for it clears the count.
 */
@ApplicationScoped
public class EnrollmentCodeFailures {

    /** The count after a failure was recorded, and when its window ends. */
    public record Count(int failures, Instant windowEnd) {}

    @Inject
    EntityManager em;

    /** When the device's codes are locked until, if they are ({@code limit} failures within the window). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Instant> lockedUntil(String deviceId, int limit, Duration window, Instant now) {
        return current(deviceId, window, now).filter(c -> c.failures() >= limit).map(Count::windowEnd);
    }

    /**
     * Counts one wrong code for this registered device in a transaction of its own (the refusal writes nothing
     * else). Concurrent failures are counted exactly: the UPDATE holds the row lock.
     */
    public Count recordFailure(String deviceId, Duration window, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Instant windowOpen = now.minus(window);
            if (ThreadLocalRandom.current().nextInt(256) == 0) {
                // Windows that ended count nothing any more: forget them now and then.
                em.createNativeQuery("DELETE FROM enrollment_code_failure WHERE window_start <= ?1")
                        .setParameter(1, windowOpen).executeUpdate();
            }
            em.createNativeQuery("INSERT INTO enrollment_code_failure (device_id, failures, window_start)"
                            + " VALUES (?1, 0, ?2) ON CONFLICT DO NOTHING")
                    .setParameter(1, deviceId).setParameter(2, now).executeUpdate();
            // A window that has ended starts again at this failure.
            em.createNativeQuery("UPDATE enrollment_code_failure SET"
                            + " failures = CASE WHEN window_start <= ?2 THEN 1 ELSE failures + 1 END,"
                            + " window_start = CASE WHEN window_start <= ?2 THEN ?3 ELSE window_start END"
                            + " WHERE device_id = ?1")
                    .setParameter(1, deviceId).setParameter(2, windowOpen).setParameter(3, now).executeUpdate();
            return current(deviceId, window, now).orElseThrow();
        });
    }

    /** Forgets the device's failures (an admin created a new code for it), in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void clear(String deviceId) {
        em.createNativeQuery("DELETE FROM enrollment_code_failure WHERE device_id = ?1").setParameter(1, deviceId)
                .executeUpdate();
    }

    private Optional<Count> current(String deviceId, Duration window, Instant now) {
        List<?> rows = em.createNativeQuery("SELECT failures, window_start FROM enrollment_code_failure WHERE device_id = ?1")
                .setParameter(1, deviceId).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        Instant end = Sql.instant(r[1]).plus(window);
        return end.isAfter(now) ? Optional.of(new Count(((Number) r[0]).intValue(), end)) : Optional.empty();
    }
}
