package io.fleetca.registry;

import java.time.Instant;

/** A published CRL's metadata (its DER is read separately: it can be tens of megabytes). */
public record PublishedCrl(String caId, long number, boolean delta, Long baseNumber, Instant thisUpdate,
                           Instant nextUpdate, long revocationSeq, long entries, long buildMillis, String sha256) {}
