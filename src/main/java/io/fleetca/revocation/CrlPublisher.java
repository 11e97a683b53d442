package io.fleetca.revocation;

import io.fleetca.ca.CaConfig;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.CrlDraft;
import io.fleetca.ca.CrlSigner;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.ChunkedBytes;
import io.fleetca.common.FleetCaException;
import io.fleetca.registry.CrlStore;
import io.fleetca.registry.PublishedCrl;
import io.fleetca.registry.RevocationLedger;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Publishes each CA's CRLs: a complete CRL N and a delta CRL N+1 whose base is the previous complete
 * CRL, built together from one database snapshot. Published when a revocation change to one of the CA's
 * certificates is pending (checked four times per fleetca.crl.publish-delay), when the last one is older than
 * fleetca.crl.republish-interval, or on the first request for a CA that has none. A lease in the
 * database lets one instance build a CA's CRLs at a time; numbers come from the database, so they
 * grow strictly across restarts and instances (RFC 5280 §5.2.3).
 */
@ApplicationScoped
public class CrlPublisher {

    private static final Logger LOG = Logger.getLogger(CrlPublisher.class);

    @Inject
    CaDirectory cas;

    @Inject
    CrlStore store;

    @Inject
    RevocationLedger ledger;

    @Inject
    CrlSigner signer;

    @Inject
    CrlConfig config;

    @Inject
    CaConfig caConfig;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry meters;

    @Inject
    Scheduler scheduler;

    void schedule(@Observes StartupEvent event) {
        Duration tick = config.publishDelay().dividedBy(4);
        if (tick.compareTo(Duration.ofSeconds(1)) < 0) {
            tick = Duration.ofSeconds(1);
        }
        scheduler.newJob("fleetca-crl-publisher").setInterval(tick.toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> publishDue()).schedule();
    }

    /**
     * One pass over every CA; a failure for one CA is logged and the others still get their CRLs. A CA is
     * due when one of its own certificates changed since its last CRL snapshot, so a revocation under one
     * CA does not republish (and renumber) every other CA's CRLs.
     */
    void publishDue() {
        java.util.List<LoadedCa> all;
        try {
            all = cas.list();
        } catch (RuntimeException e) {
            if (!io.fleetca.common.DatabaseOutage.isCause(e)) {
                throw e;
            }
            LOG.warnf("CRLs not published now: the database is unavailable"); // the next tick tries again
            return;
        }
        for (LoadedCa ca : all) {
            try {
                publishIfDue(ca, ledger.lastChangeOf(ca.id()));
            } catch (FleetCaException e) {
                LOG.warnf("CRL of CA %s not published: %s; retrying", ca.id(), e.getMessage());
            } catch (RuntimeException e) {
                if (io.fleetca.common.DatabaseOutage.isCause(e)) {
                    LOG.warnf("CRL of CA %s not published: the database is unavailable; retrying", ca.id());
                } else {
                    LOG.errorf(e, "CRL of CA %s not published", ca.id());
                }
            }
        }
    }

    /** Publishes now if the CA has no CRL yet (first request); true when one exists afterwards. */
    public boolean publishIfMissing(LoadedCa ca) {
        if (store.latest(ca.id(), false).isEmpty()) {
            publishIfDue(ca, ledger.lastChangeOf(ca.id()));
        }
        return store.latest(ca.id(), false).isPresent();
    }

    private void publishIfDue(LoadedCa ca, long change) {
        Instant now = clock.instant();
        Optional<PublishedCrl> previous = store.latest(ca.id(), false);
        boolean due = previous.isEmpty() || change > previous.get().revocationSeq()
                || !previous.get().thisUpdate().plus(config.republishInterval()).isAfter(now);
        // One lease holder per build, so that two builds on one instance exclude each other too.
        String holder = UUID.randomUUID().toString();
        if (!due || !store.tryLease(ca.id(), holder, now, now.plus(config.buildLease()))) {
            return;
        }
        try {
            // Re-read under the lease: another instance may have published meanwhile.
            previous = store.latest(ca.id(), false);
            if (previous.isPresent() && change <= previous.get().revocationSeq()
                    && previous.get().thisUpdate().plus(config.republishInterval()).isAfter(now)) {
                return;
            }
            publish(ca, previous);
        } finally {
            store.releaseLease(ca.id(), holder);
        }
    }

    private void publish(LoadedCa ca, Optional<PublishedCrl> previous) {
        long started = System.nanoTime();
        Instant thisUpdate = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = thisUpdate.plus(config.validity());
        CrlDraft full = new CrlDraft();
        CrlDraft delta = new CrlDraft();
        // The delta holds every change since the previous complete CRL was built; with no previous
        // one it is empty and names the new complete CRL as its base.
        long deltaSince = previous.map(PublishedCrl::revocationSeq).orElse(Long.MAX_VALUE);
        long seq = store.readSnapshot(ca.id(), thisUpdate, deltaSince,
                (entry, inComplete, inDelta) -> full.add(entry, inComplete, delta, inDelta));
        long read = System.nanoTime();
        long fullNumber = store.reserveNumbers(ca.id(), 2);
        long deltaNumber = fullNumber + 1;
        long base = previous.map(PublishedCrl::number).orElse(fullNumber);
        String crlBase = caConfig.publicUrl().replaceAll("/+$", "") + "/crl/" + ca.id();
        ChunkedBytes fullDer = signer.sign(ca, full, fullNumber, null, thisUpdate, nextUpdate, crlBase + "-delta.crl");
        ChunkedBytes deltaDer = signer.sign(ca, delta, deltaNumber, base, thisUpdate, nextUpdate, null);
        long signed = System.nanoTime();
        long millis = (signed - started) / 1_000_000;
        boolean published = store.publish(new PublishedCrl(ca.id(), fullNumber, false, null,
                        thisUpdate, nextUpdate, seq, full.count(), millis, fullDer.sha256Hex()), fullDer,
                new PublishedCrl(ca.id(), deltaNumber, true, base, thisUpdate, nextUpdate, seq, delta.count(), millis,
                        deltaDer.sha256Hex()), deltaDer);
        if (!published) {
            LOG.warnf("CRL %d of CA %s discarded: a newer one was published while it was built", fullNumber, ca.id());
            return;
        }
        meters.timer("fleetca.crl.build", "ca", ca.id()).record(Duration.ofMillis(millis));
        LOG.infof("Published CRL %d (%d entries, %d bytes) and delta CRL %d (base %d, %d entries) of CA %s:"
                        + " read and encode %d ms, sign %d ms, store %d ms", fullNumber, full.count(), fullDer.size(),
                deltaNumber, base, delta.count(), ca.id(), (read - started) / 1_000_000, (signed - read) / 1_000_000,
                (System.nanoTime() - signed) / 1_000_000);
    }
}
