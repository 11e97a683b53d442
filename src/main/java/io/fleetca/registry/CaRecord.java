package io.fleetca.registry;

import java.time.Instant;

/** A certificate authority as stored: its certificate and the alias of its key in the key store. */
public record CaRecord(String id, String parentId, String subject, String keyAlias, String keyAlgorithm,
                       Instant notBefore, Instant notAfter, byte[] certificateDer, String sha256, Instant createdAt) {}
