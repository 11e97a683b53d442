package io.fleetca.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Short EST server limits and a short-lived EST server certificate, for the tests tagged est-jvm (their
 * own surefire execution and JVM, see pom.xml and {@link OwnJvmProfile}): the certificate lives 30 s and
 * is renewed with 15 s left; idle connections close after 2 s, requests must be read within 4 s; at
 * most 4 connections; anonymous refusal counts are flushed to the audit log every second.
 */
public class EstJvmProfile implements QuarkusTestProfile {

    public static final String INSTANCE = "est-test-instance";
    public static final int MAX_CONNECTIONS = 4;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("fleetca.est.instance-id", INSTANCE),
                Map.entry("fleetca.est.server-certificate-validity", "PT30S"),
                Map.entry("fleetca.est.server-certificate-renew-before", "PT15S"),
                Map.entry("fleetca.est.server-certificate-check", "PT1S"),
                Map.entry("fleetca.est.idle-timeout", "PT2S"),
                Map.entry("fleetca.est.handshake-timeout", "PT3S"),
                Map.entry("fleetca.est.request-timeout", "PT4S"),
                Map.entry("fleetca.est.max-connections", Integer.toString(MAX_CONNECTIONS)),
                Map.entry("fleetca.refusals.flush-interval", "PT1S"));
    }
}
