package io.fleetca.common;

import java.time.Duration;
import java.util.Optional;

/**
 * The one exception domain code throws for a refusal. The message is the problem
 * {@code detail}: it says precisely what was wrong with the input and never anything internal.
 */
public class FleetCaException extends RuntimeException {

    private final ProblemType type;
    private final Duration retryAfter;

    public FleetCaException(ProblemType type, String detail) {
        this(type, detail, null);
    }

    public FleetCaException(ProblemType type, String detail, Duration retryAfter) {
        super(detail, null, false, false);
        this.type = type;
        this.retryAfter = retryAfter;
    }

    public ProblemType type() { return type; }

    public Optional<Duration> retryAfter() { return Optional.ofNullable(retryAfter); }
}
