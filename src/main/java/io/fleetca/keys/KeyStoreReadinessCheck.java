package io.fleetca.keys;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is DOWN while the key store cannot sign; a probe also drives reconnection. */
@Readiness
@ApplicationScoped
public class KeyStoreReadinessCheck implements HealthCheck {

    @Inject
    CaKeyStore keys;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("key-store").status(keys.isAvailable()).build();
    }
}
