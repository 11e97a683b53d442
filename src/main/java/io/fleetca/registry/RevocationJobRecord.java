package io.fleetca.registry;

import java.time.Instant;

/** A bulk revocation as recorded: criteria (JSON), outcome and timing. */
public record RevocationJobRecord(String id, String requestedBy, String reason, String criteria, String status,
                                  long revoked, Instant createdAt, Instant finishedAt) {}
