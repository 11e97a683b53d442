package io.fleetca.registry;

import java.time.Instant;

/**
 * A station token's id (RFC 7519 §4.1.7 jti), to be used up in the transaction that reserves the serial
 * it authorizes: the token counts as used exactly when a reservation commits, on any instance (the
 * primary key of {@code used_token} decides between racing requests). {@code expiresAt}: when the
 * token, and so its row, can be forgotten.
 */
public record OneTimeToken(String stationId, String jti, Instant expiresAt) {}
