package io.fleetca.ca;

import java.time.Instant;

/** A certificate's validity period (RFC 5280 §4.1.2.5), whole seconds, both ends inclusive. */
public record Validity(Instant notBefore, Instant notAfter) {}
