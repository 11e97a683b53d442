package io.fleetca.registry;

import java.time.Instant;

/** A delegated OCSP responder certificate of a CA; {@code der} is null while only reserved. */
public record ResponderRecord(String caId, String serial, String keyAlias, Instant notBefore, Instant notAfter,
                              byte[] der, Instant createdAt) {}
