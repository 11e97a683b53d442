package io.fleetca.registry;

import io.fleetca.common.Text;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** OCSP responses produced ahead of time (RFC 6960 §2.5) for a CA's certificates, by exact CertID. */
@ApplicationScoped
public class PreproducedOcspStore {

    /** A stored response and the ledger state it was produced for. */
    public record Preproduced(String state, Instant thisUpdate, Instant nextUpdate, byte[] der) {}

    @Inject
    EntityManager em;

    /** Replaces every stored response of the CA (a ceremony produces the whole set); caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void replace(String caId, List<Row> rows) {
        em.createNativeQuery("DELETE FROM ocsp_preproduced WHERE ca_id = ?1").setParameter(1, caId).executeUpdate();
        for (Row r : rows) {
            em.createNativeQuery("INSERT INTO ocsp_preproduced (ca_id, cert_id_sha256, serial, state, this_update,"
                            + " next_update, der) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                    .setParameter(1, caId).setParameter(2, Text.sha256Hex(r.certIdDer())).setParameter(3, r.serial())
                    .setParameter(4, r.state()).setParameter(5, r.thisUpdate()).setParameter(6, r.nextUpdate())
                    .setParameter(7, r.der()).executeUpdate();
        }
    }

    /** One response to store: the exact DER CertID it answers. */
    public record Row(byte[] certIdDer, String serial, String state, Instant thisUpdate, Instant nextUpdate, byte[] der) {}

    /** The response for exactly this CertID (DER), if one was produced. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Preproduced> find(String caId, byte[] certIdDer) {
        List<?> rows = em.createNativeQuery("SELECT state, this_update, next_update, der FROM ocsp_preproduced"
                        + " WHERE ca_id = ?1 AND cert_id_sha256 = ?2")
                .setParameter(1, caId).setParameter(2, Text.sha256Hex(certIdDer)).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        return Optional.of(new Preproduced((String) r[0], Sql.instant(r[1]), Sql.instant(r[2]), (byte[]) r[3]));
    }
}
