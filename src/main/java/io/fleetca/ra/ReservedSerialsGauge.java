package io.fleetca.ra;

import io.fleetca.registry.ReservedSerials;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The metric {@code fleetca_certificates_reserved_unissued}: serials reserved and not issued, in flight or
 * left by a crash or a refusal after signing (see ReservedSerials). Counted from the shared ledger, so every
 * instance reports the same fleet-wide figure; in flight ones come and go within a second, so alert on a
 * value that stays or grows, and list them with GET /api/v1/certificates/reserved. Refreshed every
 * {@code fleetca.ledger.reserved-check} (default 15 s) rather than on scrape: a scrape never waits on the database.
 */
@ApplicationScoped
public class ReservedSerialsGauge {

    private static final Logger LOG = Logger.getLogger(ReservedSerialsGauge.class);

    @Inject
    ReservedSerials reserved;

    @Inject
    MeterRegistry meters;

    @Inject
    Clock clock;

    private final AtomicLong count = new AtomicLong();

    void register(@Observes StartupEvent event) {
        meters.gauge("fleetca.certificates.reserved.unissued", count);
    }

    @Scheduled(every = "${fleetca.ledger.reserved-check:PT15S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            count.set(reserved.countBefore(clock.instant().plusSeconds(1)));
        } catch (RuntimeException e) {
            // The database is unavailable: keep the last figure (readiness says DOWN meanwhile).
            LOG.debugf("reserved serials not counted: %s", e.getMessage());
        }
    }
}
