package io.fleetca.revocation;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.Json;
import io.fleetca.common.ProblemType;
import io.fleetca.common.RevocationReasons;
import io.fleetca.common.Text;
import io.fleetca.registry.CaLedger;
import io.fleetca.registry.CaRecord;
import io.fleetca.registry.RevocationLedger;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Revokes an issuing CA: every unexpired certificate its parent issued for the CA's key becomes revoked
 * in the parent's ledger (so the parent's OCSP responder and its next CRLs say so, RFC 5280 §5.3.1,
 * RFC 6960 §2.2), and the CA is marked revoked, which stops all issuance under it. One transaction with
 * its audit event; the revocation clock is taken first, as for every revocation.
 */
@ApplicationScoped
public class CaRevocationService {

    /** Earliest accepted invalidityDate (as for certificates). */
    private static final Instant EARLIEST = Instant.parse("1950-01-01T00:00:00Z");

    /** The CA after the call; {@code changed} false when it was revoked already. */
    public record Outcome(CaRecord ca, boolean changed, List<String> revokedSerials, String message) {}

    @Inject
    RevocationLedger revocations;

    @Inject
    CaLedger cas;

    @Inject
    CaDirectory directory;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    public Outcome revoke(String actor, String caId, String reason, Instant invalidityDate) {
        if (reason == null || !RevocationReasons.CA_REQUESTABLE.contains(reason)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "reason must be one of " + String.join(", ", RevocationReasons.CA_REQUESTABLE));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (invalidityDate != null && (invalidityDate.isAfter(now) || invalidityDate.isBefore(EARLIEST))) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "invalidityDate must lie between 1950-01-01T00:00:00Z and now (not in the future)");
        }
        LoadedCa ca = (Text.isCaId(caId) ? directory.findFresh(caId) : java.util.Optional.<LoadedCa>empty())
                .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no such CA"));
        if (ca.record().parentId() == null) {
            throw new FleetCaException(ProblemType.CONFLICT, "CA " + caId + " is a root (a trust anchor):"
                    + " no parent can revoke it; remove it from the relying parties' trust stores instead");
        }
        String spkiSha256 = ca.spkiSha256();
        Outcome outcome = QuarkusTransaction.requiringNew().call(() -> {
            long change = revocations.nextChange();
            CaRecord current = cas.lock(caId).orElseThrow();
            if (current.revoked()) {
                return new Outcome(current, false, List.of(),
                        "CA " + caId + " is already revoked (" + current.revocationReason() + "); nothing changed");
            }
            List<String> serials = cas.revoke(caId, current.parentId(), spkiSha256, reason, now, invalidityDate, change);
            audit.append(new AuditEvent(actor, "ca.revoked", "ca:" + caId, Json.object("parent", current.parentId(),
                    "reason", reason, "invalidityDate", invalidityDate == null ? null : invalidityDate.toString(),
                    "serials", Text.clip(String.join(",", serials), 4000))));
            return new Outcome(cas.lock(caId).orElseThrow(), true, serials, "CA " + caId + " revoked (" + reason + "); "
                    + serials.size() + " CA certificate(s) revoked in the ledger of " + current.parentId()
                    + "; it issues nothing more");
        });
        directory.findFresh(caId); // this instance sees the change at once; others within CaDirectory.TTL
        return outcome;
    }
}
