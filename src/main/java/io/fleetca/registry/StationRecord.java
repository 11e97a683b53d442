package io.fleetca.registry;

import java.time.Instant;
import java.util.List;

/**
 * A provisioning station: its public key (JWK) and its enrollment scope. {@code requireKeyBinding}: its
 * enrollment tokens must bind the CSR's key (claim csr_spki_sha256).
 */
public record StationRecord(String id, String name, String publicJwk, List<String> profiles, String deviceIdPattern,
                            int maxEnrollmentsPerHour, boolean enabled, Instant createdAt, Instant disabledAt,
                            boolean requireKeyBinding) {}
