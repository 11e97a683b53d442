package io.fleetca.registry;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Delegated OCSP responder certificates (RFC 6960 §4.2.2.2), shared by all instances. */
@ApplicationScoped
public class ResponderStore {

    @Inject
    EntityManager em;

    /** The issued responder of the CA that expires last, if any. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ResponderRecord> newest(String caId) {
        List<?> rows = em.createNativeQuery("SELECT ca_id, serial, key_alias, not_before, not_after, certificate_der,"
                        + " created_at FROM ocsp_responder WHERE ca_id = ?1 AND certificate_der IS NOT NULL"
                        + " ORDER BY not_after DESC, created_at DESC LIMIT 1").setParameter(1, caId).getResultList();
        return rows.isEmpty() ? Optional.empty() : Optional.of(toRecord((Object[]) rows.get(0)));
    }

    /**
     * Reserves a new responder (serial and key alias), committed before the CA signs, unless the CA
     * already has one valid beyond {@code neededUntil} or another reservation newer than
     * {@code reservedSince} is being completed (by this or another instance). The CA's CRL state row
     * is locked meanwhile so that two instances do not both reserve.
     */
    public boolean reserve(ResponderRecord candidate, Instant neededUntil, Instant reservedSince) {
        return reserve(candidate, neededUntil, reservedSince, null);
    }

    /** As {@link #reserve(ResponderRecord, Instant, Instant)}; the responder {@code replacedAlias} (its key is gone) blocks nothing. */
    public boolean reserve(ResponderRecord candidate, Instant neededUntil, Instant reservedSince, String replacedAlias) {
        return QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("INSERT INTO crl_state (ca_id, last_number) VALUES (?1, 0) ON CONFLICT DO NOTHING")
                    .setParameter(1, candidate.caId()).executeUpdate();
            em.createNativeQuery("SELECT ca_id FROM crl_state WHERE ca_id = ?1 FOR UPDATE")
                    .setParameter(1, candidate.caId()).getResultList();
            long blocking = ((Number) em.createNativeQuery("SELECT COUNT(*) FROM ocsp_responder WHERE ca_id = ?1 AND"
                            + " ((certificate_der IS NOT NULL AND not_after >= ?2) OR (certificate_der IS NULL AND created_at > ?3))"
                            + " AND key_alias <> ?4")
                    .setParameter(1, candidate.caId()).setParameter(2, neededUntil).setParameter(3, reservedSince)
                    .setParameter(4, replacedAlias == null ? "" : replacedAlias)
                    .getSingleResult()).longValue();
            if (blocking > 0) {
                return false;
            }
            em.createNativeQuery("INSERT INTO ocsp_responder (ca_id, serial, key_alias, not_before, not_after, created_at)"
                            + " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .setParameter(1, candidate.caId()).setParameter(2, candidate.serial())
                    .setParameter(3, candidate.keyAlias()).setParameter(4, candidate.notBefore())
                    .setParameter(5, candidate.notAfter()).setParameter(6, candidate.createdAt()).executeUpdate();
            return true;
        });
    }

    public void recordIssued(String keyAlias, byte[] der) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "UPDATE ocsp_responder SET certificate_der = ?1 WHERE key_alias = ?2")
                .setParameter(1, der).setParameter(2, keyAlias).executeUpdate());
    }

    /** Responders of the CA that expired before {@code before}; their keys can be removed from the token. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<ResponderRecord> expired(String caId, Instant before) {
        return em.createNativeQuery("SELECT ca_id, serial, key_alias, not_before, not_after, certificate_der, created_at"
                        + " FROM ocsp_responder WHERE ca_id = ?1 AND not_after < ?2").setParameter(1, caId)
                .setParameter(2, before).getResultList().stream().map(r -> toRecord((Object[]) r)).toList();
    }

    public void delete(String keyAlias) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("DELETE FROM ocsp_responder WHERE key_alias = ?1")
                .setParameter(1, keyAlias).executeUpdate());
    }

    private static ResponderRecord toRecord(Object[] r) {
        return new ResponderRecord((String) r[0], (String) r[1], (String) r[2], Sql.instant(r[3]), Sql.instant(r[4]),
                (byte[]) r[5], Sql.instant(r[6]));
    }
}
