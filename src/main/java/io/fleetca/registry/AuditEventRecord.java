package io.fleetca.registry;

import java.time.Instant;

/**
 * One audit event; {@code hash} covers every other field, {@code prevHash} links the chain. {@code seq},
 * {@code prevHash} and {@code hash} are null while the event is written but not sealed yet.
 */
public record AuditEventRecord(Long seq, Instant occurredAt, String actor, String action, String target,
                               String details, String prevHash, String hash) {}
