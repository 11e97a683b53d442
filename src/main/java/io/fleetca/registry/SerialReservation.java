package io.fleetca.registry;

import java.time.Instant;

/**
 * What the CA asks the ledger to reserve before it signs. {@code deviceId} is null for certificates
 * of no device (FleetCA's own TLS server certificate); {@code stationId} may then be null too.
 * {@code renewal}: a valid certificate of the same device, key and profile does not make this a retry.
 * {@code token}: the station token authorizing it, used up in the reservation's transaction (null when
 * no token did: codes, TLS client certificates, FleetCA's own certificates).
 */
public record SerialReservation(String issuerId, String serial, String deviceId, String stationId, String profile,
                                String spkiSha256, Instant notBefore, Instant notAfter, boolean renewal,
                                OneTimeToken token) {}
