package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * CA certificates in their parent's ledger (profile {@code ca}, no device), and the revocation state of
 * the CAs themselves. Runs in the caller's transaction; a revocation takes the revocation clock first
 * (RevocationLedger#nextChange), then the CA row, then the certificate rows.
 */
@ApplicationScoped
public class CaLedger {

    /** Ledger profile of CA certificates (ca.SubordinateCaCertificates.PROFILE). */
    static final String CA_PROFILE = io.fleetca.common.ReservedProfiles.CA;

    @Inject
    EntityManager em;

    /** The CA's record with its row locked until the transaction ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<CaRecord> lock(String caId) {
        CaEntity e = em.find(CaEntity.class, caId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (e == null) {
            return Optional.empty();
        }
        em.refresh(e);
        return Optional.of(e.toRecord());
    }

    /**
     * Revokes every unexpired certificate of this CA key its parent issued (a re-certified CA has several),
     * and marks the CA revoked: from the commit on, every issuance under it is refused (IssuanceLedger).
     * Returns the serials revoked.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> revoke(String caId, String parentId, String spkiSha256, String reason, Instant revokedAt,
                               Instant invalidityDate, long change) {
        List<String> serials = em.createNativeQuery("SELECT serial FROM certificate WHERE issuer_id = ?1 AND profile = ?2"
                        + " AND spki_sha256 = ?3 AND status = 'ISSUED' AND not_after > ?4 ORDER BY serial FOR UPDATE")
                .setParameter(1, parentId).setParameter(2, CA_PROFILE).setParameter(3, spkiSha256).setParameter(4, revokedAt)
                .getResultList().stream().map(String.class::cast).toList();
        em.createNativeQuery("UPDATE certificate SET status = 'REVOKED', revoked_at = ?1, revocation_reason = ?2,"
                        + " invalidity_date = ?3, revocation_seq = ?4 WHERE issuer_id = ?5 AND profile = ?6"
                        + " AND spki_sha256 = ?7 AND status = 'ISSUED' AND not_after > ?1")
                .setParameter(1, revokedAt).setParameter(2, reason).setParameter(3, invalidityDate)
                .setParameter(4, change).setParameter(5, parentId).setParameter(6, CA_PROFILE)
                .setParameter(7, spkiSha256).executeUpdate();
        em.createNativeQuery("UPDATE certificate_authority SET revoked_at = ?1, revocation_reason = ?2 WHERE id = ?3")
                .setParameter(1, revokedAt).setParameter(2, reason).setParameter(3, caId).executeUpdate();
        return serials;
    }

    /** Serials of the unexpired certificates of CAs this CA issued (its ledger rows of profile ca). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> caCertificateSerials(String issuerId, Instant now) {
        return em.createNativeQuery("SELECT serial FROM certificate WHERE issuer_id = ?1 AND profile = ?2"
                        + " AND status <> 'RESERVED' AND not_after > ?3 ORDER BY serial")
                .setParameter(1, issuerId).setParameter(2, CA_PROFILE).setParameter(3, now)
                .getResultList().stream().map(String.class::cast).toList();
    }

    /**
     * Puts a CA certificate created before CA certificates were ledger rows into its parent's ledger, as
     * issued (idempotent). Such certificates were signed before this ledger existed for them, so there was
     * no reservation to keep.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean recordExisting(String parentId, String serial, String spkiSha256, Instant notBefore, Instant notAfter,
                                  byte[] der, Instant issuedAt) {
        return em.createNativeQuery("INSERT INTO certificate (issuer_id, serial, status, profile, spki_sha256, not_before,"
                        + " not_after, der, reserved_at, issued_at) VALUES (?1, ?2, 'ISSUED', ?3, ?4, ?5, ?6, ?7, ?8, ?8)"
                        + " ON CONFLICT DO NOTHING")
                .setParameter(1, parentId).setParameter(2, serial).setParameter(3, CA_PROFILE).setParameter(4, spkiSha256)
                .setParameter(5, notBefore).setParameter(6, notAfter).setParameter(7, der).setParameter(8, issuedAt)
                .executeUpdate() == 1;
    }
}
