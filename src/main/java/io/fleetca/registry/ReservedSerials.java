package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Serials reserved and never issued. A reservation commits before the HSM signs (ARCHITECTURE.md, the
 * issuance cycle), so a process killed while signing, a refusal in the recording transaction, or an HSM
 * failure leaves a RESERVED row: the serial was perhaps signed, never sent, and is never used again. OCSP
 * answers unknown for it (OcspStatuses), CRLs do not list it. Index: certificate_status_reserved_at_idx (V13); on
 * PostgreSQL the partial certificate_reserved_at_idx (V15), which holds the reserved rows only.
 */
@ApplicationScoped
public class ReservedSerials {

    /** One reserved, never issued serial. */
    public record Reserved(String issuerId, String serial, String deviceId, String stationId, String profile,
                           Instant reservedAt) {}

    @Inject
    EntityManager em;

    /** Those reserved before {@code before}, oldest first, at most {@code limit}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Reserved> before(Instant before, int limit) {
        return em.createNativeQuery("SELECT issuer_id, serial, device_id, station_id, profile, reserved_at FROM certificate"
                        + " WHERE status = 'RESERVED' AND reserved_at < ?1 ORDER BY reserved_at, serial")
                .setParameter(1, before).setMaxResults(limit).getResultList().stream().map(row -> {
                    Object[] r = (Object[]) row;
                    return new Reserved((String) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                            Sql.instant(r[5]));
                }).toList();
    }

    /** How many were reserved before {@code before}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public long countBefore(Instant before) {
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM certificate WHERE status = 'RESERVED' AND reserved_at < ?1")
                .setParameter(1, before).getSingleResult()).longValue();
    }
}
