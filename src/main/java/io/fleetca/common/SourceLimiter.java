package io.fleetca.common;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;

/**
 * One rate limit per source address (see {@link SourceAddress}): a token bucket per source (Bucket4j) holding
 * {@code capacity} tokens, refilled evenly at {@code capacity} per {@code period}, so a source may burst up to
 * the capacity and then goes at the refill rate. The buckets are held in memory, at most {@code maxSources}
 * of them (Caffeine evicts the least recently used; a source idle for a whole period is forgotten, its bucket
 * being full again anyway), so a flood from many addresses costs bounded memory.
 *
 * <p>Per instance, on purpose: a shared counter would put a database write on every public request, the very
 * path being protected. Behind n instances a source gets up to n times the limit; a proxy in front can hold a
 * global per-source table (HAProxy stick tables). A capacity of 0 or less means no limit.
 */
public final class SourceLimiter {

    private final String name;
    private final long capacity;
    private final Duration period;
    private final Cache<String, Bucket> buckets;

    public SourceLimiter(String name, long capacity, Duration period, int maxSources) {
        if (period.isNegative() || period.isZero() || maxSources < 1) {
            throw new IllegalArgumentException(name + ": the period must be positive and at least one source kept");
        }
        this.name = name;
        this.capacity = capacity;
        this.period = period;
        this.buckets = Caffeine.newBuilder().maximumSize(maxSources).expireAfterAccess(period).build();
    }

    /** The limit's name, as in its setting and metrics. */
    public String name() {
        return name;
    }

    /**
     * Takes one token for this source: empty when taken (or there is no limit), else how long until the
     * source may try again (the HTTP Retry-After).
     */
    public Optional<Duration> take(String source) {
        if (capacity <= 0) {
            return Optional.empty();
        }
        ConsumptionProbe probe = bucket(source).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(wholeSeconds(probe.getNanosToWaitForRefill()));
    }

    /**
     * Whether this source has nothing left, without taking anything (for limits on refusals: a request is
     * let in while the source has refusals left, and a refusal takes one).
     */
    public Optional<Duration> spent(String source) {
        if (capacity <= 0) {
            return Optional.empty();
        }
        Bucket bucket = buckets.getIfPresent(SourceAddress.key(source));
        if (bucket == null || bucket.getAvailableTokens() > 0) {
            return Optional.empty();
        }
        return Optional.of(wholeSeconds(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()));
    }

    /** Rounded up to whole seconds, at least one: what Retry-After can say (RFC 9110 §10.2.3). */
    private static Duration wholeSeconds(long nanos) {
        return Duration.ofSeconds(Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L));
    }

    private Bucket bucket(String source) {
        return buckets.get(SourceAddress.key(source), k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build()).build());
    }
}
