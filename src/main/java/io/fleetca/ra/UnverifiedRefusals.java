package io.fleetca.ra;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.common.Json;
import io.fleetca.common.Text;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Refusals of callers whose credential did not verify (a wrong enrollment code, a garbage or forged
 * token, an unknown client certificate). Such a caller has no identity: whatever name it put in its
 * request is a claim, so it is never an audit actor. The refusals are counted in memory per channel
 * (est, api), source address and reason, and written every fleetca.refusals.flush-interval as one
 * anonymous {@code request.refused} event per counter with its count.
 *
 * <p>Why in memory and not a counter table: counting must cost an unauthenticated client nothing that
 * every enrollment waits for (the audit chain's head lock, a hot row); a flush writes one transaction per
 * interval whatever the flood. The price is that the counts of the last interval are lost if the process
 * dies, which is acceptable for anonymous noise (the counts are also in the log at debug level). The map
 * is bounded by fleetca.refusals.max-sources; beyond it refusals are counted under source "other".
 */
@ApplicationScoped
public class UnverifiedRefusals {

    private static final Logger LOG = Logger.getLogger(UnverifiedRefusals.class);
    static final String OTHER = "other";

    @Inject
    AuditLog audit;

    @Inject
    RefusalConfig config;

    @Inject
    Clock clock;

    private record Key(String channel, String source, String reason) {}

    private final Map<Key, Long> counts = new ConcurrentHashMap<>();
    private volatile Instant since;

    /** Counts one refusal; never blocks on the database. {@code reason} is the problem type's slug. */
    public void refused(String channel, String source, String reason) {
        Key key = new Key(channel, Text.clip(source == null ? "unknown" : source, 64), Text.clip(reason, 64));
        if (!counts.containsKey(key) && counts.size() >= config.maxSources()) {
            key = new Key(channel, OTHER, key.reason());
        }
        if (since == null) {
            since = clock.instant();
        }
        counts.merge(key, 1L, Long::sum);
        LOG.debugf("refused an unverified %s caller from %s: %s", channel, key.source(), reason);
    }

    /** Writes the counts since the last flush, one audit event per counter, in one transaction. */
    @Scheduled(every = "${fleetca.refusals.flush-interval:PT1M}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void flush() {
        if (counts.isEmpty()) {
            return;
        }
        Instant from = since == null ? clock.instant() : since;
        since = null;
        Instant until = clock.instant();
        List<Map.Entry<Key, Long>> taken = new ArrayList<>();
        for (Key key : List.copyOf(counts.keySet())) {
            Long n = counts.remove(key); // atomic: a refusal counted meanwhile starts a new counter
            if (n != null) {
                taken.add(Map.entry(key, n));
            }
        }
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                for (Map.Entry<Key, Long> e : taken) {
                    Key k = e.getKey();
                    audit.append(new AuditEvent("anonymous", "request.refused", k.channel() + ":" + k.source(),
                            Json.object("source", k.source(), "reason", k.reason(), "count", Long.toString(e.getValue()),
                                    "since", from.toString(), "until", until.toString(),
                                    "credential", "not verified")));
                }
            });
        } catch (RuntimeException failure) {
            // Put the counts back for the next flush (bounded as before); the failure is loud in the log.
            taken.forEach(e -> counts.merge(e.getKey(), e.getValue(), Long::sum));
            LOG.error("could not write the audit events of refused unverified requests; retrying", failure);
        }
    }

    /** What is still counted goes to the audit log before the process ends. */
    void onStop(@Observes ShutdownEvent event) {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.error("could not write the last counts of refused unverified requests", e);
        }
    }
}
