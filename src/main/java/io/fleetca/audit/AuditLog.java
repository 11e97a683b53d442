package io.fleetca.audit;

import io.fleetca.ca.AuditCheckpointKeys;
import io.fleetca.registry.AuditEventRecord;
import io.fleetca.registry.AuditStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Append-only, hash-chained audit log. An event is written in the same transaction as the change it
 * describes, as a plain insert (no lock another change waits for); the {@link AuditSealer} then gives it its
 * place in the chain: each sealed event's hash is SHA-256 over the previous hash and the event's fields, so
 * editing or deleting a sealed event breaks every link after it, and the chain head is signed in the HSM at
 * checkpoints, so rewriting the chain with recomputed hashes breaks the checkpoints.
 */
@ApplicationScoped
public class AuditLog {

    @Inject
    AuditStore store;

    @Inject
    AuditCheckpointKeys checkpointKeys;

    @Inject
    Clock clock;

    /** Clock difference tolerated between the instance that signed a checkpoint and the one verifying. */
    private static final java.time.Duration CLOCK_MARGIN = java.time.Duration.ofSeconds(5);

    /** Appends in the caller's transaction, which must be the one making the change. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(AuditEvent event) {
        // Microsecond precision: what both PostgreSQL and H2 store, so verification recomputes the same bytes.
        store.insertPending(clock.instant().truncatedTo(ChronoUnit.MICROS), event.actor(), event.action(),
                event.target(), event.details());
    }

    /** Appends in a transaction of its own: for refusals, where nothing else is written. */
    public void appendAlone(AuditEvent event) {
        QuarkusTransaction.requiringNew().run(() -> append(event));
    }

    /**
     * Result of a verification: the first broken link or checkpoint, if any; how far the chain is covered by
     * signed checkpoints; and how many written events are not sealed yet.
     */
    public record Verification(boolean intact, long eventsChecked, Optional<Long> firstBrokenSeq, String reason,
                               long checkpointsChecked, Optional<AuditStore.Checkpoint> lastCheckpoint,
                               long unsealed) {}

    /**
     * Walks the chain from the first event up to the head as it was when verification started (events
     * sealed meanwhile are checked next time), and compares the end with that head. Along the way each
     * checkpoint's signature is verified with the public key the key store holds for its alias, and the
     * event at its seq must carry the hash it signed. Events after the last checkpoint are covered by the
     * hash chain only: their removal shows as a checkpoint or head mismatch once the next checkpoint is
     * signed (within fleetca.audit.checkpoint-interval), or against a checkpoint the auditor kept.
     */
    public Verification verify() {
        Instant started = clock.instant();
        long unsealed = store.pendingCount();
        AuditStore.Head head = store.head();
        String expectedPrev = genesis();
        long expectedSeq = 1;
        long checked = 0;
        long checkpoints = 0;
        long after = 0;
        java.util.ArrayDeque<AuditStore.Checkpoint> due = new java.util.ArrayDeque<>(store.checkpointsAfter(0, 1000));
        AuditStore.Checkpoint lastChecked = null;
        while (after < head.lastSeq()) {
            List<AuditEventRecord> batch = store.after(after, (int) Math.min(500, head.lastSeq() - after));
            if (batch.isEmpty()) {
                break;
            }
            for (AuditEventRecord e : batch) {
                if (e.seq() != expectedSeq) {
                    return broken(checked, expectedSeq, "event " + expectedSeq + " is missing", checkpoints, lastChecked, unsealed);
                }
                if (!e.prevHash().equals(expectedPrev)) {
                    return broken(checked, e.seq(), "previous-hash link does not match", checkpoints, lastChecked, unsealed);
                }
                String recomputed = hash(e.prevHash(), e.seq(), e.occurredAt(), e.actor(), e.action(), e.target(), e.details());
                if (!recomputed.equals(e.hash())) {
                    return broken(checked, e.seq(), "event content does not match its hash", checkpoints, lastChecked, unsealed);
                }
                while (!due.isEmpty() && due.peek().seq() == e.seq()) {
                    AuditStore.Checkpoint c = due.poll();
                    if (!checkpointKeys.verify(c.keyAlias(), c.algorithm(), checkpointBytes(c.seq(), c.hash(), c.signedAt()),
                            c.signature())) {
                        return broken(checked, c.seq(), "checkpoint " + c.seq() + " is not signed by the audit key",
                                checkpoints, lastChecked, unsealed);
                    }
                    if (!c.hash().equals(e.hash())) {
                        return broken(checked, c.seq(), "event " + c.seq() + " is not the one its signed checkpoint covers",
                                checkpoints, lastChecked, unsealed);
                    }
                    checkpoints++;
                    lastChecked = c;
                    if (due.isEmpty()) {
                        due.addAll(store.checkpointsAfter(c.seq(), 1000));
                    }
                }
                expectedPrev = e.hash();
                expectedSeq++;
                checked++;
                after = e.seq();
            }
        }
        if (head.lastSeq() != checked || !head.lastHash().equals(expectedPrev)) {
            return broken(checked, checked + 1, "chain head does not match the last event", checkpoints, lastChecked, unsealed);
        }
        for (AuditStore.Checkpoint c : due) {
            // A checkpoint beyond the chain's end, signed well before this verification read the head: the events
            // it covered were removed and the head rewritten with them. (Later ones may be a sealer's new round.)
            if (c.signedAt().isBefore(started.minus(CLOCK_MARGIN)) && checkpointKeys.verify(c.keyAlias(), c.algorithm(),
                    checkpointBytes(c.seq(), c.hash(), c.signedAt()), c.signature())) {
                return broken(checked, checked + 1, "signed checkpoint " + c.seq() + " covers events that are missing",
                        checkpoints, lastChecked, unsealed);
            }
        }
        return new Verification(true, checked, Optional.empty(), "intact", checkpoints, Optional.ofNullable(lastChecked),
                unsealed);
    }

    private static Verification broken(long checked, long seq, String reason, long checkpoints,
                                       AuditStore.Checkpoint last, long unsealed) {
        return new Verification(false, checked, Optional.of(seq), reason, checkpoints, Optional.ofNullable(last), unsealed);
    }

    /** What a checkpoint signature covers. */
    static byte[] checkpointBytes(long seq, String hash, Instant signedAt) {
        return ("fleetca-audit-checkpoint|" + seq + "|" + hash + "|" + signedAt).getBytes(StandardCharsets.UTF_8);
    }

    private static String genesis() {
        return "0".repeat(64);
    }

    static String hash(String prevHash, long seq, Instant at, String actor, String action, String target, String details) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            // Length-prefixed fields: no two different events serialize to the same bytes.
            for (String field : new String[] {prevHash, Long.toString(seq), at.toString(), actor, action, target, details}) {
                byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
                md.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                md.update((byte) ':');
                md.update(bytes);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
