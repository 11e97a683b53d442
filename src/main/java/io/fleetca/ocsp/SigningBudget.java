package io.fleetca.ocsp;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * How many OCSP responses per second may be signed for one request alone (a nonce, or several CertIDs):
 * a token bucket refilled at {@code fleetca.ocsp.nonce-signatures-per-second}, holding at most one second's
 * worth, so the public cannot make the HSM sign without bound and starve enrollment.
 */
@ApplicationScoped
public class SigningBudget {

    @Inject
    OcspConfig config;

    private double perNano;
    private double most;
    private double tokens;
    private long at;

    @PostConstruct
    void init() {
        int rate = Math.max(0, config.nonceSignaturesPerSecond());
        perNano = rate / 1e9;
        most = Math.max(1, rate);
        tokens = rate == 0 ? 0 : most;
        at = System.nanoTime();
    }

    /** Takes one signature from the budget; false when it is spent. */
    public synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(most, tokens + (now - at) * perNano);
        at = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
