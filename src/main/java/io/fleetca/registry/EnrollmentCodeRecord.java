package io.fleetca.registry;

import java.time.Instant;

/** A one-time enrollment code as stored: its hash, never the code. */
public record EnrollmentCodeRecord(String codeSha256, String deviceId, String profile, String createdBy,
                                   Instant createdAt, Instant expiresAt, Instant usedAt, String usedSerial) {}
