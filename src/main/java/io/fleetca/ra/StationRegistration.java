package io.fleetca.ra;

import java.util.List;

/**
 * What an admin sends to register a station. {@code publicKey} is a public JWK (RFC 7517) as JSON;
 * {@code requireKeyBinding} (null = false): its tokens must carry csr_spki_sha256.
 */
public record StationRegistration(String name, String publicKey, List<String> profiles, String deviceIdPattern,
                                  Integer maxEnrollmentsPerHour, Boolean requireKeyBinding) {}
