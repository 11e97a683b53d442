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

    @Inject
    AuditEventRepository events;

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
        events.persist(e);
        em.createNativeQuery("UPDATE audit_head SET last_seq = ?1, last_hash = ?2 WHERE id = 1")
                .setParameter(1, event.seq()).setParameter(2, event.hash()).executeUpdate();
    }

    /**
     * Events with {@code seq > afterSeq}, ascending, at most {@code limit}. Each batch is read in a
     * transaction of its own, so walking the whole chain never holds more than one batch in memory.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<AuditEventRecord> after(long afterSeq, int limit) {
        return events.find("seq > ?1 order by seq", afterSeq).range(0, limit - 1).list()
                .stream().map(AuditEventEntity::toRecord).toList();
    }

    /** Newest first, for browsing. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Page<AuditEventRecord> page(int page, int size) {
        List<AuditEventRecord> items = events.find("order by seq desc").page(io.quarkus.panache.common.Page.of(page, size))
                .list().stream().map(AuditEventEntity::toRecord).toList();
        long total = events.count();
        return new Page<>(items, total, page, size);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Head head() {
        Object[] row = (Object[]) em.createNativeQuery("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
                .getSingleResult();
        return new Head(((Number) row[0]).longValue(), (String) row[1]);
    }
}
