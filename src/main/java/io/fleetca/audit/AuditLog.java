package io.fleetca.audit;

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
 * Append-only, hash-chained audit log. Each event's hash is SHA-256 over the previous hash
 * and the event's fields, so editing or deleting any stored event breaks every link after it.
 * Events are written in the same transaction as the change they describe.
 */
@ApplicationScoped
public class AuditLog {

    @Inject
    AuditStore store;

    @Inject
    Clock clock;

    /** Appends in the caller's transaction, which must be the one making the change. */
    @Transactional(Transactional.TxType.MANDATORY)
    public AuditEventRecord append(AuditEvent event) {
        AuditStore.Head head = store.lockHead();
        // Microsecond precision: what both PostgreSQL and H2 store, so verification recomputes the same bytes.
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long seq = head.lastSeq() + 1;
        String hash = hash(head.lastHash(), seq, at, event.actor(), event.action(), event.target(), event.details());
        AuditEventRecord record = new AuditEventRecord(seq, at, event.actor(), event.action(), event.target(),
                event.details(), head.lastHash(), hash);
        store.append(record);
        return record;
    }

    /** Appends in a transaction of its own: for refusals, where nothing else is written. */
    public void appendAlone(AuditEvent event) {
        QuarkusTransaction.requiringNew().run(() -> append(event));
    }

    /** Result of walking the chain: the first broken link, if any. */
    public record Verification(boolean intact, long eventsChecked, Optional<Long> firstBrokenSeq, String reason) {}

    /**
     * Walks the chain from the first event up to the head as it was when verification started
     * (events appended meanwhile are checked next time), and compares the end with that head.
     */
    public Verification verify() {
        AuditStore.Head head = store.head();
        String expectedPrev = genesis();
        long expectedSeq = 1;
        long checked = 0;
        long after = 0;
        while (after < head.lastSeq()) {
            List<AuditEventRecord> batch = store.after(after, (int) Math.min(500, head.lastSeq() - after));
            if (batch.isEmpty()) {
                break;
            }
            for (AuditEventRecord e : batch) {
                if (e.seq() != expectedSeq) {
                    return new Verification(false, checked, Optional.of(expectedSeq), "event " + expectedSeq + " is missing");
                }
                if (!e.prevHash().equals(expectedPrev)) {
                    return new Verification(false, checked, Optional.of(e.seq()), "previous-hash link does not match");
                }
                String recomputed = hash(e.prevHash(), e.seq(), e.occurredAt(), e.actor(), e.action(), e.target(), e.details());
                if (!recomputed.equals(e.hash())) {
                    return new Verification(false, checked, Optional.of(e.seq()), "event content does not match its hash");
                }
                expectedPrev = e.hash();
                expectedSeq++;
                checked++;
                after = e.seq();
            }
        }
        if (head.lastSeq() != checked || !head.lastHash().equals(expectedPrev)) {
            return new Verification(false, checked, Optional.of(checked + 1), "chain head does not match the last event");
        }
        return new Verification(true, checked, Optional.empty(), "intact");
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
