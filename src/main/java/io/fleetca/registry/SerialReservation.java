package io.fleetca.registry;

import java.time.Instant;

/** What the CA asks the ledger to reserve before it signs. */
public record SerialReservation(String issuerId, String serial, String deviceId, String stationId, String profile,
                                String spkiSha256, Instant notBefore, Instant notAfter) {}
