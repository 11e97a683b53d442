package io.fleetca.common;

import java.time.Instant;

/**
 * A credential locked after too many failed attempts (a CDI event, audited by whoever audits refusals):
 * {@code credential} names its kind, {@code target} what it is for ("device:<id>"), {@code source} the
 * address of the attempt that reached the limit.
 */
public record CredentialLockout(String credential, String target, int failures, Instant until, String source) {}
