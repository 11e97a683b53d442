package io.fleetca.ocsp;

import io.fleetca.registry.CertificateState;
import io.fleetca.registry.CertificateStatus;
import io.fleetca.registry.IssuanceLedger;
import io.fleetca.registry.RevocationFeed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Optional;

/**
 * Certificate states for OCSP without a database read per request, never a stale "good": states are
 * remembered only while the {@link RevocationFeed} is fresh (it hands over every certificate whose state
 * changed, on every instance, within about a second of the commit; on the instance that committed, before
 * it is fresh again). While it is not fresh, every request reads the database, as without a cache.
 * Only issued and revoked states are remembered: they change only through revocation changes, which the
 * feed reports; a serial that is reserved or unknown may be issued at any time, so it is always read.
 */
@ApplicationScoped
public class StatusCache implements RevocationFeed.Subscriber {

    @Inject
    IssuanceLedger ledger;

    @Inject
    RevocationFeed feed;

    @Inject
    OcspConfig config;

    @Inject
    MeterRegistry meters;

    private Lru<String, CertificateState> states;
    /**
     * Moves on (under the cache's lock) whenever states are forgotten: a state read from the database is
     * remembered only if nothing was forgotten meanwhile, so a read from before a change cannot outlive it.
     */
    private long forgotten;
    private Counter memoryReads;
    private Counter databaseReads;

    @PostConstruct
    void init() {
        states = new Lru<>(config.cacheSize());
        memoryReads = meters.counter("fleetca.ocsp.status.reads", "source", "memory");
        databaseReads = meters.counter("fleetca.ocsp.status.reads", "source", "database");
        meters.gauge("fleetca.ocsp.notifications.listening", feed, f -> f.fresh() ? 1 : 0);
        feed.subscribe(this);
    }

    /** The state of the certificate {@code serial} (hex, as the ledger stores it) issued by {@code caId}. */
    public Optional<CertificateState> state(String caId, String serial) {
        if (!feed.fresh()) {
            databaseReads.increment();
            return ledger.state(caId, serial);
        }
        String key = caId + "/" + serial;
        long seen;
        synchronized (states) {
            CertificateState known = states.get(key);
            if (known != null) {
                memoryReads.increment();
                return Optional.of(known);
            }
            seen = forgotten;
        }
        databaseReads.increment();
        Optional<CertificateState> read = ledger.state(caId, serial);
        if (read.isPresent() && read.get().status() != CertificateStatus.RESERVED) {
            synchronized (states) {
                if (seen == forgotten && feed.fresh()) {
                    states.put(key, read.get());
                }
            }
        }
        return read;
    }

    /**
     * The state remembered in memory, without a database read: null when it is not remembered, or while the
     * feed is not fresh (a state remembered then might be one a missed notification changed).
     */
    public CertificateState inMemory(String caId, String serial) {
        if (!feed.fresh()) {
            return null;
        }
        synchronized (states) {
            CertificateState known = states.get(caId + "/" + serial);
            if (known != null) {
                memoryReads.increment();
            }
            return known;
        }
    }

    @Override
    public void changed(Collection<String> certificates) {
        synchronized (states) {
            states.removeAll(certificates);
            forgotten++;
        }
    }

    @Override
    public void forgetAll() {
        synchronized (states) {
            states.clear();
            forgotten++;
        }
    }
}
