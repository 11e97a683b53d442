package io.fleetca.registry;

import java.time.Instant;

/**
 * One CRL entry as read from the ledger. {@code removed}: the certificate was revoked (on hold) when
 * the base CRL was built and is no longer; a delta CRL lists it with reason removeFromCRL.
 */
public record RevokedEntry(String serial, Instant revokedAt, String reason, Instant invalidityDate, boolean removed) {}
