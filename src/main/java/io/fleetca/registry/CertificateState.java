package io.fleetca.registry;

import java.time.Instant;

/**
 * What OCSP needs to know about one certificate: its status and revocation details, and the
 * revocation change number, which changes with every revoke or release (a cache key part).
 */
public record CertificateState(CertificateStatus status, Instant revokedAt, String reason, long revocationSeq) {

    /** Changes with every revoke or release: what a cached or pre-produced OCSP answer must still match. */
    public String fingerprint() {
        return status + "/" + revocationSeq;
    }

    /** The fingerprint of a serial the ledger does not know. */
    public static final String NONE = "none";
}
