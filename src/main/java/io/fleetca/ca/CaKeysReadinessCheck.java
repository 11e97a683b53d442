package io.fleetca.ca;

import io.fleetca.keys.CaKeyStore;
import io.fleetca.keys.KeyNotFoundException;
import io.fleetca.keys.KeyStoreUnavailableException;
import io.fleetca.registry.CaRecord;
import io.fleetca.registry.CaRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness is DOWN while the key of a CA that can still sign (not revoked, not expired) is missing from a key
 * store that answers (the key-store check covers one that does not): such an instance would refuse every
 * signature of that CA, so a load balancer should send its requests to another. Found by the fault suite: a
 * SoftHSM2 token whose directory went away keeps answering with no objects, and stays so in that process
 * until it restarts. The result is kept for a second: the probe is public and polled often.
 */
@Readiness
@ApplicationScoped
public class CaKeysReadinessCheck implements HealthCheck {

    private static final Duration KEPT = Duration.ofSeconds(1);

    @Inject
    CaRegistry cas;

    @Inject
    CaKeyStore keys;

    @Inject
    Clock clock;

    private record Checked(Instant at, List<String> missing) {}

    private volatile Checked last;

    @Override
    public HealthCheckResponse call() {
        Checked checked = last;
        Instant now = clock.instant();
        if (checked == null || Duration.between(checked.at(), now).compareTo(KEPT) >= 0) {
            checked = new Checked(now, missing(now));
            last = checked;
        }
        var response = HealthCheckResponse.named("ca-keys").status(checked.missing().isEmpty());
        if (!checked.missing().isEmpty()) {
            response.withData("missing", String.join(",", checked.missing()));
        }
        return response.build();
    }

    private List<String> missing(Instant now) {
        List<String> missing = new ArrayList<>();
        try {
            for (CaRecord ca : cas.list()) { // the records as they are now: a CA revoked elsewhere is skipped at once
                if (ca.revoked() || !ca.notAfter().isAfter(now)) {
                    continue;
                }
                try {
                    keys.publicKey(ca.keyAlias());
                } catch (KeyNotFoundException e) {
                    missing.add(ca.id());
                }
            }
        } catch (KeyStoreUnavailableException e) {
            return List.of(); // the key-store check reports that one
        } catch (RuntimeException e) {
            Checked previous = last; // the database check reports an outage; keep what was known
            return previous == null ? List.of() : previous.missing();
        }
        return missing;
    }
}
