package io.fleetca.ra;

import java.time.Instant;

/** A new one-time enrollment code: the only time the code itself exists outside its holder. */
public record EnrollmentCode(String deviceId, String profile, String code, Instant expiresAt) {}
