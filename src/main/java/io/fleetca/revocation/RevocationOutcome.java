package io.fleetca.revocation;

import io.fleetca.registry.CertificateRecord;

/** The certificate after a revoke or release; {@code changed} false when it was already in that state. */
public record RevocationOutcome(CertificateRecord certificate, boolean changed, String message) {}
