package io.fleetca.revocation;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.Json;
import io.fleetca.common.ProblemType;
import io.fleetca.common.RevocationReasons;
import io.fleetca.common.SerialNumber;
import io.fleetca.common.Text;
import io.fleetca.registry.BulkSelection;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.CertificateStatus;
import io.fleetca.registry.DeviceStatus;
import io.fleetca.registry.RevocationJobRecord;
import io.fleetca.registry.RevocationLedger;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Revoking, holding and releasing certificates, decommissioning and reactivating devices, and bulk
 * revocation. Each change and its audit event commit together (ARCHITECTURE.md, "The revocation
 * cycle"); OCSP reads the ledger, so a change is visible to it the moment it commits, and the CRL
 * publisher picks it up within fleetca.crl.publish-delay.
 */
@ApplicationScoped
public class RevocationService {

    /** Earliest accepted invalidityDate: GeneralizedTime years have four digits, and nothing older is plausible. */
    private static final Instant EARLIEST = Instant.parse("1950-01-01T00:00:00Z");

    /** Largest serials[] or deviceIds[] list in one bulk request. */
    public static final int MAX_BULK_LIST = 10_000;

    @Inject
    RevocationLedger ledger;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    public RevocationOutcome revoke(String actor, String serial, String reason, Instant invalidityDate) {
        String hex = parseSerial(serial);
        String why = requireReason(reason);
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (invalidityDate != null && (invalidityDate.isAfter(now) || invalidityDate.isBefore(EARLIEST))) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "invalidityDate must lie between 1950-01-01T00:00:00Z and now (not in the future)");
        }
        String issuer = issuerOf(hex);
        return changing(() -> {
            long change = ledger.nextChange();
            CertificateRecord current = issued(issuer, hex);
            boolean wasRevoked = current.status() == CertificateStatus.REVOKED;
            if (wasRevoked) {
                boolean holdMadeFinal = "certificateHold".equals(current.revocationReason()) && !"certificateHold".equals(why);
                // CA/Browser Forum BR §4.9.1.1 / §7.2.2: a revoked certificate's reason may later become keyCompromise
                // (and only that); the key is then compromised and every certificate of it goes too.
                boolean upgradedToKeyCompromise = "keyCompromise".equals(why) && !why.equals(current.revocationReason());
                if (!holdMadeFinal && !upgradedToKeyCompromise) {
                    throw new NoChange(new RevocationOutcome(current, false, "certificate " + hex + " is already revoked ("
                            + current.revocationReason() + "); nothing changed (a revoked certificate's reason can only"
                            + " be changed to keyCompromise)"));
                }
            }
            // RFC 5280 §5.3.1: a held certificate may be revoked for good, a reason upgraded to keyCompromise; either
            // keeps the original revocation date (when it was revoked) and, unless a new one is given, its invalidity
            // date. The new clock value puts the entry, with its new reason, into the next delta CRL.
            Instant revokedAt = wasRevoked ? current.revokedAt() : now;
            Instant invalid = invalidityDate == null && wasRevoked ? current.invalidityDate() : invalidityDate;
            CertificateRecord after = ledger.markRevoked(issuer, hex, why, revokedAt, invalid, change);
            List<String> sameKey = List.of();
            if ("keyCompromise".equals(why)) {
                // The key is compromised, not just this certificate: every live certificate of the key goes too.
                // The device row is locked as enrollment's recordIssued locks it, so an enrollment of this key
                // in flight either is revoked here or sees the compromise and records nothing.
                ledger.lockDevice(after.deviceId());
                sameKey = ledger.revokeLiveOfKey(after.spkiSha256(), now, change);
            }
            audit.append(RevocationEvents.revoked(actor, after, why, "invalidityDate",
                    invalid == null ? null : invalid.toString(), "previousReason", current.revocationReason(),
                    "sameKeyRevoked", sameKey.isEmpty() ? null : Text.clip(String.join(",", sameKey), 4000)));
            return new RevocationOutcome(after, true, "certificate " + hex + " revoked (" + why + ")"
                    + (wasRevoked ? "; was " + current.revocationReason() + ", revocation date kept" : "")
                    + (sameKey.isEmpty() ? "" : "; " + sameKey.size() + " other certificate(s) of the same key revoked too"));
        });
    }

    public RevocationOutcome release(String actor, String serial) {
        String hex = parseSerial(serial);
        String issuer = issuerOf(hex);
        return changing(() -> {
            long change = ledger.nextChange();
            CertificateRecord current = issued(issuer, hex);
            if (current.status() != CertificateStatus.REVOKED || !"certificateHold".equals(current.revocationReason())) {
                throw new FleetCaException(ProblemType.CONFLICT, "certificate " + hex + " is not on hold ("
                        + (current.status() == CertificateStatus.REVOKED ? "revoked: " + current.revocationReason()
                        : "not revoked") + "); only certificateHold can be released");
            }
            CertificateRecord after = ledger.markReleased(issuer, hex, change);
            audit.append(new AuditEvent(actor, "certificate.released", "certificate:" + hex,
                    Json.object("issuer", issuer, "device", after.deviceId())));
            return new RevocationOutcome(after, true, "hold on certificate " + hex + " lifted; the next delta CRL says removeFromCRL");
        });
    }

    /**
     * Revokes every unexpired, unrevoked certificate of the device (a hold becomes final), marks the
     * device decommissioned; enrollment for it is refused until it is reactivated.
     */
    public DeviceOutcome decommission(String actor, String deviceId, String reason) {
        String why = reason == null ? "cessationOfOperation" : requireReason(reason);
        if ("certificateHold".equals(why)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "certificateHold is not a decommission reason; revoke single certificates to hold them");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return changing(() -> {
            long change = ledger.nextChange();
            DeviceStatus status = ledger.lockDevice(deviceId)
                    .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no device " + deviceId));
            if (status == DeviceStatus.DECOMMISSIONED) {
                throw new NoChange(new DeviceOutcome(deviceId, status, false, List.of(),
                        "device " + deviceId + " is already decommissioned; nothing changed"));
            }
            List<String> serials = ledger.liveSerialsOf(deviceId, why, now);
            long revoked = ledger.revokeMatching(new BulkSelection(List.of(), List.of(deviceId), null, null, null),
                    why, now, change, null);
            ledger.setDeviceStatus(deviceId, DeviceStatus.DECOMMISSIONED, now);
            audit.append(new AuditEvent(actor, "device.decommissioned", "device:" + deviceId, Json.object("reason", why,
                    "revoked", Long.toString(revoked), "serials", Text.clip(String.join(",", serials), 4000))));
            return new DeviceOutcome(deviceId, DeviceStatus.DECOMMISSIONED, true, serials,
                    "device " + deviceId + " decommissioned; " + revoked + " certificate(s) revoked (" + why + ")");
        });
    }

    public DeviceOutcome reactivate(String actor, String deviceId) {
        Instant now = clock.instant();
        return changing(() -> {
            DeviceStatus status = ledger.lockDevice(deviceId)
                    .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no device " + deviceId));
            if (status == DeviceStatus.ACTIVE) {
                throw new NoChange(new DeviceOutcome(deviceId, status, false, List.of(),
                        "device " + deviceId + " is active; nothing changed"));
            }
            ledger.setDeviceStatus(deviceId, DeviceStatus.ACTIVE, now);
            audit.append(new AuditEvent(actor, "device.reactivated", "device:" + deviceId, "{}"));
            return new DeviceOutcome(deviceId, DeviceStatus.ACTIVE, true, List.of(),
                    "device " + deviceId + " reactivated; its revoked certificates stay revoked");
        });
    }

    /**
     * Revokes every matching, unexpired, revocable certificate in one transaction: one UPDATE per
     * criterion (in chunks for long lists), one audit event, one job record. All or nothing.
     */
    public RevocationJobRecord bulk(String actor, BulkRevocation request) {
        String why = requireReason(request.reason());
        List<String> serials = request.serials() == null ? List.of() : request.serials();
        List<String> devices = request.deviceIds() == null ? List.of() : request.deviceIds();
        if (serials.size() > MAX_BULK_LIST || devices.size() > MAX_BULK_LIST) {
            throw new FleetCaException(ProblemType.PAYLOAD_TOO_LARGE,
                    "serials and deviceIds hold at most " + MAX_BULK_LIST + " entries each; split the request");
        }
        List<String> hexSerials = serials.stream().map(RevocationService::parseSerial).toList();
        for (String d : devices) {
            if (!Text.isDeviceId(d)) {
                throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                        "deviceIds must be device ids (1 to 64 letters, digits, '.', ':' or '-')");
            }
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        if (request.stationId() != null) {
            if (request.issuedBefore() != null && request.issuedBefore().isAfter(clock.instant())) {
                // Enrollments still to come would be missed although the job says COMPLETED.
                throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "issuedBefore must not be in the future;"
                        + " disable the station first, then revoke up to now");
            }
            if (!Text.isStationId(request.stationId())) {
                throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "stationId must be a station UUID");
            }
            if (request.issuedAfter() == null || request.issuedBefore() == null
                    || !request.issuedAfter().isBefore(request.issuedBefore())) {
                throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                        "with stationId give issuedAfter and issuedBefore, issuedAfter before issuedBefore");
            }
        } else if (request.issuedAfter() != null || request.issuedBefore() != null) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "issuedAfter and issuedBefore need a stationId");
        }
        if (hexSerials.isEmpty() && devices.isEmpty() && request.stationId() == null) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "say what to revoke: serials, deviceIds, or stationId with issuedAfter and issuedBefore");
        }
        String jobId = UUID.randomUUID().toString();
        String criteria = Json.object("serials", Integer.toString(hexSerials.size()),
                "serialsSha256", hexSerials.isEmpty() ? null : Text.sha256Hex(String.join(",", hexSerials)),
                "deviceIds", Text.clip(String.join(",", devices), 2000), "stationId", request.stationId(),
                "issuedAfter", request.issuedAfter() == null ? null : request.issuedAfter().toString(),
                "issuedBefore", request.issuedBefore() == null ? null : request.issuedBefore().toString());
        BulkSelection selection = new BulkSelection(hexSerials, devices, request.stationId(), request.issuedAfter(),
                request.issuedBefore());
        boolean keyCompromise = "keyCompromise".equals(why);
        return changing(() -> {
            long change = ledger.nextChange();
            if (keyCompromise) {
                // Locks as single revocation does (clock, device, certificates), so that no enrollment of an
                // affected key records a certificate unseen by this transaction.
                ledger.lockDevicesOfKeys(selection);
            }
            long revoked = ledger.revokeMatching(selection, why, now, change, jobId);
            // The keys are compromised, not just these certificates: every live certificate of them goes too.
            long sameKey = keyCompromise ? ledger.revokeLiveOfKeys(selection, now, change, jobId) : 0;
            RevocationJobRecord job = new RevocationJobRecord(jobId, actor, why, criteria, "COMPLETED", revoked + sameKey,
                    now, clock.instant());
            ledger.recordJob(job);
            audit.append(new AuditEvent(actor, "revocation.bulk", "revocation:" + jobId, Json.object("reason", why,
                    "revoked", Long.toString(revoked + sameKey), "sameKeyRevoked", keyCompromise ? Long.toString(sameKey)
                            : null, "criteria", criteria)));
            return job;
        });
    }

    public Optional<RevocationJobRecord> job(String id) {
        return ledger.findJob(id);
    }

    private CertificateRecord issued(String issuer, String hex) {
        CertificateRecord current = ledger.lock(issuer, hex)
                .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no certificate with serial " + hex));
        if (current.status() == CertificateStatus.RESERVED) {
            throw new FleetCaException(ProblemType.NOT_FOUND,
                    "serial " + hex + " was reserved but no certificate was issued under it");
        }
        if (io.fleetca.common.ReservedProfiles.CA.equals(current.profile())) {
            // A CA certificate is revoked with its CA, which also stops the CA issuing (CaRevocationService).
            throw new FleetCaException(ProblemType.CONFLICT, "serial " + hex + " is a CA certificate; revoke the CA with"
                    + " POST /api/v1/cas/{caId}/revoke");
        }
        return current;
    }

    private String issuerOf(String hex) {
        List<String> issuers = ledger.issuersOfSerial(hex);
        if (issuers.isEmpty()) {
            throw new FleetCaException(ProblemType.NOT_FOUND, "no certificate with serial " + hex);
        }
        if (issuers.size() > 1) {
            throw new FleetCaException(ProblemType.CONFLICT, "serial " + hex + " exists under several issuers");
        }
        return issuers.get(0);
    }

    private static String parseSerial(String serial) {
        return SerialNumber.parse(serial).map(SerialNumber::hex).orElseThrow(() -> new FleetCaException(
                ProblemType.MALFORMED_REQUEST, "serial must be a positive hexadecimal number of at most 20 octets"));
    }

    private static String requireReason(String reason) {
        if (reason == null || !RevocationReasons.REQUESTABLE.contains(reason)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "reason must be one of " + String.join(", ", RevocationReasons.REQUESTABLE) + " (RFC 5280 §5.3.1)");
        }
        return reason;
    }

    /** Runs a change in its own transaction; a {@link NoChange} rolls it back and becomes the answer. */
    @SuppressWarnings("unchecked")
    private static <T> T changing(java.util.concurrent.Callable<T> change) {
        try {
            return QuarkusTransaction.requiringNew().call(change);
        } catch (NoChange n) {
            return (T) n.outcome;
        }
    }

    /** Leaves a transaction without a change: rolls back (releasing the clock) and carries the answer out. */
    private static final class NoChange extends RuntimeException {
        private final transient Object outcome;

        NoChange(Object outcome) {
            super(null, null, false, false);
            this.outcome = outcome;
        }
    }
}
