package io.fleetca.registry;

import java.time.Instant;

/**
 * A certificate authority as stored: its current certificate and the alias of its key in the key store.
 * {@code revokedAt} and {@code revocationReason} (RFC 5280 §5.3.1 name) are set once its certificates
 * were revoked by its parent; a revoked CA issues nothing more.
 */
public record CaRecord(String id, String parentId, String subject, String keyAlias, String keyAlgorithm,
                       Instant notBefore, Instant notAfter, byte[] certificateDer, String sha256, Instant createdAt,
                       Instant revokedAt, String revocationReason) {

    public CaRecord(String id, String parentId, String subject, String keyAlias, String keyAlgorithm,
                    Instant notBefore, Instant notAfter, byte[] certificateDer, String sha256, Instant createdAt) {
        this(id, parentId, subject, keyAlias, keyAlgorithm, notBefore, notAfter, certificateDer, sha256, createdAt,
                null, null);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
