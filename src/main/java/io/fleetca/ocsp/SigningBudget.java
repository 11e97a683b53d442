package io.fleetca.ocsp;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;

/**
 * How many OCSP responses per second this instance may sign for one request alone (a nonce, or several
 * CertIDs): a token bucket (Bucket4j) refilled at {@code fleetca.ocsp.nonce-signatures-per-second}, holding
 * at most one second's worth, so the public cannot make the HSM sign without bound and starve enrollment.
 * Each source address has its own share of it ({@code fleetca.limits.ocsp-signatures-per-second}).
 */
@ApplicationScoped
public class SigningBudget {

    @Inject
    OcspConfig config;

    private Bucket bucket;

    @PostConstruct
    void init() {
        int rate = config.nonceSignaturesPerSecond();
        bucket = rate <= 0 ? null : Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(rate).refillGreedy(rate, Duration.ofSeconds(1)).build()).build();
    }

    /** Takes one signature from the budget; false when it is spent. */
    public boolean take() {
        return bucket != null && bucket.tryConsume(1);
    }
}
