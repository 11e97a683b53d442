package io.fleetca.revocation;

import io.fleetca.audit.AuditLog;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.CertificateStatus;
import io.fleetca.registry.RevocationLedger;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;

/**
 * Revokes (superseded, RFC 5280 §5.3.1) the certificates a re-enrollment replaced once their grace
 * period (fleetca.enrollment.superseded-grace) is over; each in its own transaction with its audit
 * event. Any instance may do it: a certificate already revoked meanwhile is left as it is.
 */
@ApplicationScoped
public class SupersededRevoker {

    private static final Logger LOG = Logger.getLogger(SupersededRevoker.class);
    private static final int BATCH = 500;

    @Inject
    RevocationLedger ledger;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @Scheduled(every = "${fleetca.enrollment.superseded-check:PT15S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void revokeDue() {
        Instant now = clock.instant();
        java.util.List<CertificateRecord> dueNow;
        try {
            dueNow = ledger.supersessionsDue(now, BATCH);
        } catch (RuntimeException e) {
            if (!io.fleetca.common.DatabaseOutage.isCause(e)) {
                throw e;
            }
            // Nothing is lost: the next run (15 s) finds them again. Readiness says why meanwhile.
            LOG.warnf("superseded certificates not revoked now: the database is unavailable");
            return;
        }
        for (CertificateRecord due : dueNow) {
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    long change = ledger.nextChange();
                    CertificateRecord current = ledger.lock(due.issuerId(), due.serial()).orElseThrow();
                    if (current.status() != CertificateStatus.ISSUED) {
                        return;
                    }
                    CertificateRecord revoked = ledger.markRevoked(due.issuerId(), due.serial(), "superseded",
                            now.truncatedTo(ChronoUnit.SECONDS), null, change);
                    audit.append(RevocationEvents.revoked("fleetca", revoked, "superseded",
                            "graceEnded", due.revokeAfter().toString()));
                });
            } catch (RuntimeException e) {
                LOG.errorf(e, "superseded certificate %s not revoked; retrying", due.serial());
            }
        }
    }
}
