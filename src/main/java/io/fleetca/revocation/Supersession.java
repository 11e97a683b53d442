package io.fleetca.revocation;

import io.fleetca.audit.AuditLog;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.RevocationLedger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Supersedes a station's earlier TLS client certificates when it gets a new one (RFC 5280 §5.3.1
 * superseded): revoked in the transaction that records the new one when fleetca.enrollment.superseded-grace
 * is zero, otherwise scheduled (revoke_after) and revoked by {@link SupersededRevoker} once the grace ends,
 * so a station can switch over; likewise a device's certificate when it renews. Runs in the caller's
 * recording transaction.
 */
@ApplicationScoped
public class Supersession {

    @Inject
    RevocationLedger ledger;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    /**
     * The first step of the recording transaction: takes the revocation clock before any certificate row is
     * locked (the order revocations lock in: clock, device, certificates). It also serializes the recording
     * of station certificates, so two concurrent requests of one station cannot each miss the other and both
     * stay valid. Returns the change number to pass to {@link #supersedeStation}.
     */
    public long begin() {
        return ledger.nextChange();
    }

    /** Supersedes the station's other live certificates of {@code successor}'s profile; returns their serials. */
    public List<String> supersedeStation(String actor, CertificateRecord successor, Duration grace, long change) {
        List<CertificateRecord> previous = ledger.lockLiveOfStation(successor.stationId(), successor.profile(),
                successor.serial());
        previous.forEach(old -> supersede(actor, old, successor.serial(), grace, change));
        return previous.stream().map(CertificateRecord::serial).toList();
    }

    /**
     * A device's renewal (EST simplereenroll): its certificate {@code old}, locked by the caller in this
     * recording transaction after {@link #begin}, is superseded by {@code successorSerial}.
     */
    public void supersedeDevice(String actor, CertificateRecord old, String successorSerial, Duration grace, long change) {
        supersede(actor, old, successorSerial, grace, change);
    }

    private void supersede(String actor, CertificateRecord old, String successorSerial, Duration grace, long change) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS); // RFC 5280 §5.1.2.6: whole seconds
        if (immediate(grace)) {
            CertificateRecord revoked = ledger.markRevoked(old.issuerId(), old.serial(), "superseded", now, null, change);
            audit.append(RevocationEvents.revoked(actor, revoked, "superseded", "supersededBy", successorSerial));
        } else {
            ledger.scheduleSupersede(old.issuerId(), old.serial(), now.plus(grace));
            audit.append(RevocationEvents.supersessionScheduled(actor, old, successorSerial, now.plus(grace)));
        }
    }

    private static boolean immediate(Duration grace) {
        return grace.isZero() || grace.isNegative();
    }
}
