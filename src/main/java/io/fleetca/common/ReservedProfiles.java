package io.fleetca.common;

import java.util.Set;

/**
 * Profile names FleetCA defines in code, never configurable: a device certificate must never pass for a
 * station's, FleetCA's own server's or a CA's (CertificateProfiles refuses them in configuration; the
 * ledger records CA certificates under {@link #CA}). The one place these names live.
 */
public final class ReservedProfiles {

    /** Station TLS client certificates (EST authentication of a provisioning station). */
    public static final String STATION = "station";
    /** FleetCA's EST TLS server certificate. */
    public static final String TLS_SERVER = "tls-server";
    /** The ledger rows of CA certificates a parent CA signed. */
    public static final String CA = "ca";

    public static final Set<String> NAMES = Set.of(STATION, TLS_SERVER, CA);

    private ReservedProfiles() {}
}
