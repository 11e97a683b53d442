package io.fleetca.registry;

import java.time.Instant;

/** One stored audit event; {@code hash} covers every other field, {@code prevHash} links the chain. */
public record AuditEventRecord(long seq, Instant occurredAt, String actor, String action, String target,
                               String details, String prevHash, String hash) {}
