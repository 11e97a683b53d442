package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Which FleetCA instance holds the key of each EST TLS server certificate. The key lives in that
 * process's memory only, so its certificates are worthless once the process renews or ends.
 */
@ApplicationScoped
public class ServerCertificateLedger {

    @Inject
    EntityManager em;

    /** Records, in the transaction that records the certificate, that {@code instance} holds its key. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void record(String issuerId, String serial, String instance) {
        em.createNativeQuery("INSERT INTO est_server_certificate (issuer_id, serial, instance) VALUES (?1, ?2, ?3)")
                .setParameter(1, issuerId).setParameter(2, serial).setParameter(3, instance).executeUpdate();
    }

    /** Serials of the instance's server certificates still issued (not revoked, not on hold) and unexpired. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> liveSerialsOf(String instance, Instant now) {
        List<?> rows = em.createNativeQuery("SELECT c.serial FROM est_server_certificate e JOIN certificate c"
                        + " ON c.issuer_id = e.issuer_id AND c.serial = e.serial"
                        + " WHERE e.instance = ?1 AND c.status = 'ISSUED' AND c.not_after > ?2 ORDER BY c.serial")
                .setParameter(1, instance).setParameter(2, now).getResultList();
        return rows.stream().map(String.class::cast).toList();
    }
}
