package io.fleetca.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Settings for the tests that need their own configuration. They run in a JVM of their own (surefire
 * execution "own-jvm", tag own-jvm) and share this one profile, so the application starts once there:
 * SoftHSM2 cannot take a fresh token in a process that already loaded it.
 */
public class OwnJvmProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                // OCSP responders live 20 s and are renewed at half-life.
                "fleetca.ocsp.responder-validity", "PT20S", "fleetca.ocsp.responder-renew-before", "PT1H",
                // Devices that were offline may re-enroll up to a week after expiry.
                "fleetca.enrollment.renewal-after-expiry", "P7D",
                // Renewed certificates stay valid 2 s more, checked every second.
                "fleetca.enrollment.superseded-grace", "PT2S", "fleetca.enrollment.superseded-check", "PT1S",
                // One OCSP signature per second for a request alone (nonce, several CertIDs).
                "fleetca.ocsp.nonce-signatures-per-second", "1",
                // Two enrollments at once; a third waits half a second for its turn, then gets 503 busy.
                "fleetca.enrollment.max-concurrent", "2", "fleetca.enrollment.queue-timeout", "PT0.5S");
    }
}
