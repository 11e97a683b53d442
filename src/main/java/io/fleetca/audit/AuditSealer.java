package io.fleetca.audit;

import io.fleetca.ca.AuditCheckpointKeys;
import io.fleetca.registry.AuditEventRecord;
import io.fleetca.registry.AuditStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Seals written audit events into the hash chain, behind the commits of the changes they describe, so no
 * change waits for another's audit event. Each round, in one transaction:
 * <ol>
 *   <li>lock the chain head (only sealers take it: instances take turns, and each round sees what the
 *       previous one left);</li>
 *   <li>read committed pending events, oldest first, give each the next seq and its hash over the previous
 *       hash and its fields, insert them into the chain and delete them from pending;</li>
 *   <li>when {@code fleetca.audit.checkpoint-interval} has passed and the head moved, sign a checkpoint of the
 *       head (seq, hash, time) with the audit key in the HSM. A checkpoint that cannot be signed now (token
 *       down) is signed in a later round; sealing goes on.</li>
 * </ol>
 */
@ApplicationScoped
public class AuditSealer {

    private static final Logger LOG = Logger.getLogger(AuditSealer.class);

    @Inject
    AuditStore store;

    @Inject
    AuditCheckpointKeys checkpointKeys;

    @Inject
    AuditConfig config;

    @Inject
    Clock clock;

    private ScheduledExecutorService scheduler;

    void onStart(@Observes StartupEvent event) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleetca-audit-sealer");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(10, config.sealInterval().toMillis());
        scheduler.scheduleWithFixedDelay(this::sealQuietly, period, period, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdown();
        }
    }

    private void sealQuietly() {
        try {
            while (seal() >= config.sealBatch()) {
                // a backlog: keep going without waiting for the next tick
            }
        } catch (RuntimeException e) {
            LOG.warnf("audit sealing failed (retried in %s): %s", config.sealInterval(), e.getMessage());
        }
    }

    /** One round; returns how many events it sealed. */
    public synchronized int seal() {
        return QuarkusTransaction.requiringNew().call(() -> {
            AuditStore.Head head = store.lockHead();
            List<AuditStore.Pending> pending = store.pending(config.sealBatch());
            long seq = head.lastSeq();
            String prev = head.lastHash();
            if (!pending.isEmpty()) {
                List<AuditEventRecord> sealed = new ArrayList<>(pending.size());
                List<Long> ids = new ArrayList<>(pending.size());
                for (AuditStore.Pending p : pending) {
                    seq++;
                    String hash = AuditLog.hash(prev, seq, p.occurredAt(), p.actor(), p.action(), p.target(), p.details());
                    sealed.add(new AuditEventRecord(seq, p.occurredAt(), p.actor(), p.action(), p.target(), p.details(),
                            prev, hash));
                    ids.add(p.id());
                    prev = hash;
                }
                store.seal(sealed, ids);
            }
            checkpointIfDue(head, seq, prev);
            return pending.size();
        });
    }

    private void checkpointIfDue(AuditStore.Head head, long seq, String hash) {
        if (seq == 0) {
            return;
        }
        Optional<AuditStore.Checkpoint> last = store.lastCheckpoint();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (last.isPresent() && (last.get().seq() >= seq
                || now.isBefore(last.get().signedAt().plus(config.checkpointInterval())))) {
            return;
        }
        try {
            String alias = head.checkpointKey().orElse(null);
            if (alias == null) {
                alias = checkpointKeys.create();
                store.setCheckpointKey(alias);
            }
            byte[] signature = checkpointKeys.sign(alias, AuditLog.checkpointBytes(seq, hash, now));
            store.addCheckpoint(new AuditStore.Checkpoint(seq, hash, now, alias, checkpointKeys.algorithm(), signature));
        } catch (RuntimeException e) {
            // The key store is down or refused: the chain is sealed all the same, the checkpoint comes later.
            LOG.debugf("audit checkpoint not signed now: %s", e.getMessage());
        }
    }
}
