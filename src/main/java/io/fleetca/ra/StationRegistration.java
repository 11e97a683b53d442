package io.fleetca.ra;

import java.util.List;

/** What an admin sends to register a station. {@code publicKey} is a public JWK (RFC 7517) as JSON. */
public record StationRegistration(String name, String publicKey, List<String> profiles, String deviceIdPattern,
                                  Integer maxEnrollmentsPerHour) {}
