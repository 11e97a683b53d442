package io.fleetca.common;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether to log a condition that every request meets while it lasts (a CA key missing from the token, say):
 * once per key per interval, so that a fleet's retries do not bury the log; the rest is in the metrics and the
 * answers. Keys are few (aliases, CA ids); past 1024 the memory is cleared.
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();

    public LogThrottle(Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    /** True at most once per interval for one key. */
    public boolean shouldLog(String key) {
        long now = System.nanoTime();
        if (lastLogged.size() > 1024) {
            lastLogged.clear();
        }
        boolean[] log = {false};
        lastLogged.compute(key, (k, last) -> {
            if (last == null || now - last >= intervalNanos) {
                log[0] = true;
                return now;
            }
            return last;
        });
        return log[0];
    }
}
