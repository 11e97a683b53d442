package io.fleetca.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.fleetca.registry.AuditStore;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The attack a database writer could make on a plain hash chain: change an event, delete the newest, recompute
 * every hash after the change and the head. The checkpoints the sealer signed in the HSM catch it.
 */
@QuarkusTest
class AuditCheckpointTest {

    @Inject
    AuditLog log;

    @Inject
    AgroalDataSource dataSource;

    record Row(long seq, Timestamp occurredAt, String actor, String action, String target, String details,
               String prevHash, String hash) {}

    @Test
    void rewritingTheChainWithRecomputedHashesIsDetectedByTheSignedCheckpoints() throws Exception {
        TestStation.register();
        TestStation.register();
        AuditStore.Checkpoint checkpoint = awaitCheckpointAtHead();
        assertTrue(checkpoint.seq() >= 2);
        // Older than the margin verification allows between instances' clocks.
        Thread.sleep(6_000);
        AuditLog.Verification before = log.verify();
        assertTrue(before.intact(), before.reason());
        assertTrue(before.checkpointsChecked() > 0);

        Instant tamperedAt = Instant.now();
        List<Row> original;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.createStatement().executeQuery("SELECT last_seq FROM audit_head WHERE id = 1 FOR UPDATE").close();
            original = rows(c, checkpoint.seq() - 1);
            Row changed = original.get(0);
            String forgedHash = AuditLog.hash(changed.prevHash(), changed.seq(), changed.occurredAt().toInstant(),
                    "someone-else", changed.action(), changed.target(), changed.details());
            exec(c, "UPDATE audit_event SET actor = 'someone-else', hash = ? WHERE seq = ?", forgedHash, changed.seq());
            exec(c, "DELETE FROM audit_event WHERE seq > ?", changed.seq());
            exec(c, "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", changed.seq(), forgedHash);
            c.commit();
        }
        try {
            AuditLog.Verification after = log.verify();
            assertFalse(after.intact(), "a rewritten chain with recomputed hashes must not verify");
            assertTrue(after.reason().contains("checkpoint"), after.reason());
        } finally {
            restore(original, tamperedAt);
        }
        long deadline = System.currentTimeMillis() + 20_000;
        AuditLog.Verification restored;
        do {
            Thread.sleep(300);
            restored = log.verify();
        } while (!restored.intact() && System.currentTimeMillis() < deadline);
        assertTrue(restored.intact(), restored.reason());
    }

    @Test
    void eventsAreWrittenAtOnceAndSealedBehindTheCommits() throws Exception {
        TestStation.register();
        AuditStore.Checkpoint checkpoint = awaitCheckpointAtHead();
        AuditLog.Verification v = log.verify();
        assertTrue(v.intact(), v.reason());
        assertEquals(0, v.unsealed());
        assertTrue(v.lastCheckpoint().isPresent());
        assertTrue(v.lastCheckpoint().get().seq() >= checkpoint.seq());
    }

    private AuditStore.Checkpoint awaitCheckpointAtHead() throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            AuditLog.Verification v = log.verify();
            if (v.intact() && v.unsealed() == 0 && v.lastCheckpoint().isPresent()
                    && v.lastCheckpoint().get().seq() == v.eventsChecked()) {
                return v.lastCheckpoint().get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no checkpoint of the chain head was signed");
    }

    /** Puts the original events back; events sealed onto the forged head meanwhile go back to pending. */
    private void restore(List<Row> original, Instant tamperedAt) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.createStatement().executeQuery("SELECT last_seq FROM audit_head WHERE id = 1 FOR UPDATE").close();
            long first = original.get(0).seq();
            for (Row r : rows(c, original.get(original.size() - 1).seq() + 1)) {
                exec(c, "INSERT INTO audit_pending (occurred_at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
                        r.occurredAt(), r.actor(), r.action(), r.target(), r.details());
            }
            exec(c, "DELETE FROM audit_event WHERE seq >= ?", first);
            exec(c, "DELETE FROM audit_checkpoint WHERE signed_at >= ?", Timestamp.from(tamperedAt));
            for (Row r : original) {
                exec(c, "INSERT INTO audit_event (seq, occurred_at, actor, action, target, details, prev_hash, hash)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", r.seq(), r.occurredAt(), r.actor(), r.action(), r.target(),
                        r.details(), r.prevHash(), r.hash());
            }
            Row last = original.get(original.size() - 1);
            exec(c, "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1", last.seq(), last.hash());
            c.commit();
        }
    }

    private static List<Row> rows(Connection c, long fromSeq) throws Exception {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, occurred_at, actor, action, target, details, prev_hash,"
                + " hash FROM audit_event WHERE seq >= ? ORDER BY seq")) {
            ps.setLong(1, fromSeq);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getTimestamp(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8)));
                }
            }
        }
        return out;
    }

    private static void exec(Connection c, String sql, Object... params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
