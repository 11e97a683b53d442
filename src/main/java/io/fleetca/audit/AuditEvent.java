package io.fleetca.audit;

/**
 * What happened, by whom, to what. {@code details} is a short, already-rendered JSON object;
 * it must never contain secrets (PINs, tokens, private keys).
 */
public record AuditEvent(String actor, String action, String target, String details) {}
