package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Storage of the audit log: pending events (written by changes, no shared lock), the sealed chain, its head
 * (locked only by the sealer) and the signed checkpoints.
 */
@ApplicationScoped
public class AuditStore {

    @Inject
    EntityManager em;

    @Inject
    TransactionSql sql;

    @Inject
    AuditEventRepository events;

    /** The chain head and the alias of the checkpoint key, if one was created. */
    public record Head(long lastSeq, String lastHash, Optional<String> checkpointKey) {}

    /** An event as written by a change, before the sealer gives it its place in the chain. */
    public record Pending(long id, Instant occurredAt, String actor, String action, String target, String details) {}

    /** A signed checkpoint of the chain head at {@code seq}. */
    public record Checkpoint(long seq, String hash, Instant signedAt, String keyAlias, String algorithm, byte[] signature) {}

    /** Writes an unsealed event in the caller's transaction: an insert, no lock anyone else waits for. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void insertPending(Instant occurredAt, String actor, String action, String target, String details) {
        sql.update("INSERT INTO audit_pending (occurred_at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
                occurredAt, actor, action, target, details);
    }

    /** Locks the head row until the caller's transaction ends: only the sealer takes it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Head lockHead() {
        return head("SELECT last_seq, last_hash, checkpoint_key FROM audit_head WHERE id = 1 FOR UPDATE");
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Head head() {
        return head("SELECT last_seq, last_hash, checkpoint_key FROM audit_head WHERE id = 1");
    }

    private Head head(String sql) {
        Object[] row = (Object[]) em.createNativeQuery(sql).getSingleResult();
        return new Head(((Number) row[0]).longValue(), (String) row[1], Optional.ofNullable((String) row[2]));
    }

    /** Committed pending events, oldest first, at most {@code limit}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Pending> pending(int limit) {
        List<?> rows = em.createNativeQuery("SELECT id, occurred_at, actor, action, target, details FROM audit_pending"
                + " ORDER BY id").setMaxResults(limit).getResultList();
        List<Pending> out = new ArrayList<>(rows.size());
        for (Object o : rows) {
            Object[] r = (Object[]) o;
            out.add(new Pending(((Number) r[0]).longValue(), Sql.instant(r[1]), (String) r[2], (String) r[3],
                    (String) r[4], (String) r[5]));
        }
        return out;
    }

    /** Appends sealed events to the chain, removes them from pending and moves the head; sealer's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void seal(List<AuditEventRecord> sealed, List<Long> pendingIds) {
        for (AuditEventRecord event : sealed) {
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
        }
        em.flush();
        for (int i = 0; i < pendingIds.size(); i += 1000) {
            List<Long> chunk = pendingIds.subList(i, Math.min(pendingIds.size(), i + 1000));
            em.createNativeQuery("DELETE FROM audit_pending WHERE id IN (:ids)").setParameter("ids", chunk).executeUpdate();
        }
        AuditEventRecord last = sealed.get(sealed.size() - 1);
        em.createNativeQuery("UPDATE audit_head SET last_seq = ?1, last_hash = ?2 WHERE id = 1")
                .setParameter(1, last.seq()).setParameter(2, last.hash()).executeUpdate();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void setCheckpointKey(String alias) {
        em.createNativeQuery("UPDATE audit_head SET checkpoint_key = ?1 WHERE id = 1").setParameter(1, alias).executeUpdate();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void addCheckpoint(Checkpoint c) {
        em.createNativeQuery("INSERT INTO audit_checkpoint (seq, hash, signed_at, key_alias, algorithm, signature)"
                        + " VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, c.seq()).setParameter(2, c.hash()).setParameter(3, c.signedAt())
                .setParameter(4, c.keyAlias()).setParameter(5, c.algorithm()).setParameter(6, c.signature()).executeUpdate();
    }

    /** The newest checkpoint, if any. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Checkpoint> lastCheckpoint() {
        List<Checkpoint> last = checkpoints("SELECT seq, hash, signed_at, key_alias, algorithm, signature FROM audit_checkpoint"
                + " ORDER BY seq DESC", 0, 1);
        return last.stream().findFirst();
    }

    /** Checkpoints with {@code seq > afterSeq}, ascending, at most {@code limit}; a transaction of its own. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Checkpoint> checkpointsAfter(long afterSeq, int limit) {
        return checkpoints("SELECT seq, hash, signed_at, key_alias, algorithm, signature FROM audit_checkpoint"
                + " WHERE seq > " + afterSeq + " ORDER BY seq", 0, limit);
    }

    private List<Checkpoint> checkpoints(String sql, int first, int limit) {
        List<?> rows = em.createNativeQuery(sql).setFirstResult(first).setMaxResults(limit).getResultList();
        List<Checkpoint> out = new ArrayList<>(rows.size());
        for (Object o : rows) {
            Object[] r = (Object[]) o;
            out.add(new Checkpoint(((Number) r[0]).longValue(), (String) r[1], Sql.instant(r[2]), (String) r[3],
                    (String) r[4], (byte[]) r[5]));
        }
        return out;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public long pendingCount() {
        return ((Number) em.createNativeQuery("SELECT COUNT(*) FROM audit_pending").getSingleResult()).longValue();
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

    /**
     * Newest first, for browsing: events not sealed yet (no seq, no hash) come first, then the chain. A
     * page may see an event twice or miss one while the sealer moves it; browsing is not verification.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Page<AuditEventRecord> page(int page, int size) {
        long pendingTotal = pendingCount();
        long offset = (long) page * size;
        List<AuditEventRecord> items = new ArrayList<>();
        if (offset < pendingTotal) {
            List<?> rows = em.createNativeQuery("SELECT occurred_at, actor, action, target, details FROM audit_pending"
                    + " ORDER BY id DESC").setFirstResult((int) offset).setMaxResults(size).getResultList();
            for (Object o : rows) {
                Object[] r = (Object[]) o;
                items.add(new AuditEventRecord(null, Sql.instant(r[0]), (String) r[1], (String) r[2], (String) r[3],
                        (String) r[4], null, null));
            }
        }
        if (items.size() < size) {
            long sealedOffset = Math.max(0, offset - pendingTotal);
            events.find("order by seq desc").range((int) sealedOffset, (int) sealedOffset + size - items.size() - 1)
                    .list().stream().map(AuditEventEntity::toRecord).forEach(items::add);
        }
        return new Page<>(items, pendingTotal + events.count(), page, size);
    }
}
