package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;

/** Storage of the audit chain. Appends lock the chain head so events form one sequence across instances. */
@ApplicationScoped
public class AuditStore {

    @Inject
    EntityManager em;

    public record Head(long lastSeq, String lastHash) {}

    /** Locks the head row until the caller's transaction ends (SELECT ... FOR UPDATE). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Head lockHead() {
        Object[] row = (Object[]) em.createNativeQuery("SELECT last_seq, last_hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .getSingleResult();
        return new Head(((Number) row[0]).longValue(), (String) row[1]);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void append(AuditEventRecord event) {
        AuditEventEntity e = new AuditEventEntity();
        e.seq = event.seq();
        e.occurredAt = event.occurredAt();
        e.actor = event.actor();
        e.action = event.action();
        e.target = event.target();
        e.details = event.details();
        e.prevHash = event.prevHash();
        e.hash = event.hash();
        em.persist(e);
        em.createNativeQuery("UPDATE audit_head SET last_seq = ?1, last_hash = ?2 WHERE id = 1")
                .setParameter(1, event.seq()).setParameter(2, event.hash()).executeUpdate();
    }

    /** Events with {@code seq > afterSeq}, ascending, at most {@code limit}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<AuditEventRecord> after(long afterSeq, int limit) {
        return em.createQuery("from AuditEventEntity where seq > :s order by seq", AuditEventEntity.class)
                .setParameter("s", afterSeq).setMaxResults(limit).getResultList()
                .stream().map(AuditEventEntity::toRecord).toList();
    }

    /** Newest first, for browsing. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Page<AuditEventRecord> page(int page, int size) {
        List<AuditEventRecord> items = em.createQuery("from AuditEventEntity order by seq desc", AuditEventEntity.class)
                .setFirstResult(page * size).setMaxResults(size).getResultList()
                .stream().map(AuditEventEntity::toRecord).toList();
        long total = em.createQuery("select count(e) from AuditEventEntity e", Long.class).getSingleResult();
        return new Page<>(items, total, page, size);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Head head() {
        Object[] row = (Object[]) em.createNativeQuery("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
                .getSingleResult();
        return new Head(((Number) row[0]).longValue(), (String) row[1]);
    }
}
