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
        return head(sql.rows("SELECT last_seq, last_hash, checkpoint_key FROM audit_head WHERE id = 1 FOR UPDATE"));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Head head() {
        return head(sql.read("SELECT last_seq, last_hash, checkpoint_key FROM audit_head WHERE id = 1"));
    }

    private static Head head(List<Object[]> rows) {
        Object[] row = rows.get(0);
        return new Head(((Number) row[0]).longValue(), (String) row[1], Optional.ofNullable((String) row[2]));
    }

    /** Committed pending events, oldest first, at most {@code limit}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Pending> pending(int limit) {
        List<Object[]> rows = sql.rows("SELECT id, occurred_at, actor, action, target, details FROM audit_pending"
                + " ORDER BY id LIMIT ?", limit);
        List<Pending> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            out.add(new Pending(((Number) r[0]).longValue(), Sql.instant(r[1]), (String) r[2], (String) r[3],
                    (String) r[4], (String) r[5]));
        }
        return out;
    }

    /**
     * Appends sealed events to the chain, removes them from pending and moves the head; sealer's transaction.
     * Two JDBC batches and one update: the sealer runs five times a second while enrollments arrive, and as
     * Hibernate entities and native queries the same work cost a flush per batch and a result mapping that
     * threw (and caught) an exception per read.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void seal(List<AuditEventRecord> sealed, List<Long> pendingIds) {
        List<Object[]> rows = new ArrayList<>(sealed.size());
        for (AuditEventRecord e : sealed) {
            rows.add(new Object[] {e.seq(), e.occurredAt(), e.actor(), e.action(), e.target(), e.details(), e.prevHash(),
                    e.hash()});
        }
        sql.batch("INSERT INTO audit_event (seq, occurred_at, actor, action, target, details, prev_hash, hash)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows);
        sql.batch("DELETE FROM audit_pending WHERE id = ?", pendingIds.stream().map(id -> new Object[] {id}).toList());
        AuditEventRecord last = sealed.get(sealed.size() - 1);
        sql.update("UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", last.seq(), last.hash());
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void setCheckpointKey(String alias) {
        sql.update("UPDATE audit_head SET checkpoint_key = ? WHERE id = 1", alias);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void addCheckpoint(Checkpoint c) {
        sql.update("INSERT INTO audit_checkpoint (seq, hash, signed_at, key_alias, algorithm, signature)"
                + " VALUES (?, ?, ?, ?, ?, ?)", c.seq(), c.hash(), c.signedAt(), c.keyAlias(), c.algorithm(), c.signature());
    }

    /** The newest checkpoint, if any. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Checkpoint> lastCheckpoint() {
        return checkpoints(sql.read("SELECT seq, hash, signed_at, key_alias, algorithm, signature FROM audit_checkpoint"
                + " ORDER BY seq DESC LIMIT 1")).stream().findFirst();
    }

    /** Checkpoints with {@code seq > afterSeq}, ascending, at most {@code limit}; a transaction of its own. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Checkpoint> checkpointsAfter(long afterSeq, int limit) {
        return checkpoints(sql.read("SELECT seq, hash, signed_at, key_alias, algorithm, signature FROM audit_checkpoint"
                + " WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit));
    }

    private static List<Checkpoint> checkpoints(List<Object[]> rows) {
        List<Checkpoint> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
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
