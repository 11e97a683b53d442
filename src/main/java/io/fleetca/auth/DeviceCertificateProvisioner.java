package io.fleetca.auth;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.CertificateStatus;
import io.fleetca.registry.DeviceRecord;
import io.fleetca.registry.DeviceRegistry;
import io.fleetca.registry.DeviceStatus;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Renewal with the device's current certificate (EST simplereenroll, RFC 7030 §4.2.2): the TLS client
 * certificate, byte for byte the ledger's ({@link LedgerCertificates}). It grants exactly a successor: the
 * same device and profile, counted for the device's station, superseding the current certificate. The
 * current one must be issued (not revoked, on hold or already renewed), of an active device whose station
 * is enabled, and not expired longer ago than {@code fleetca.enrollment.renewal-after-expiry} (default 0).
 */
@ApplicationScoped
public class DeviceCertificateProvisioner implements Provisioner<byte[]> {

    @Inject
    LedgerCertificates certificates;

    @Inject
    DeviceRegistry devices;

    @Inject
    StationRegistry stations;

    @Inject
    CallerContext context;

    @Inject
    Clock clock;

    /** How long after its notAfter a device certificate may still renew (devices that were offline). */
    @ConfigProperty(name = "fleetca.enrollment.renewal-after-expiry", defaultValue = "P0D")
    Duration renewalAfterExpiry;

    @Override
    public EnrollmentGrant authorize(byte[] clientCertificate, Optional<String> profileLabel) {
        CertificateRecord current = certificates.recordOf(clientCertificate).orElseThrow(() -> new FleetCaException(
                ProblemType.FORBIDDEN, "the TLS client certificate was not issued by FleetCA"));
        context.verified(LedgerCertificates.actorOf(current));
        if (current.deviceId() == null) {
            throw new FleetCaException(ProblemType.FORBIDDEN,
                    "only device certificates re-enroll over EST; stations renew with POST /api/v1/stations/{id}/certificates");
        }
        if (profileLabel.isPresent() && !profileLabel.get().equals(current.profile())) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "the current certificate is of profile " + current.profile()
                    + ", not " + profileLabel.get());
        }
        if (current.revokeAfter() != null) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + current.serial()
                    + " was already renewed; re-enroll with its successor");
        }
        if (current.status() != CertificateStatus.ISSUED) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + current.serial() + " is revoked or on hold ("
                    + current.revocationReason() + "); it cannot re-enroll");
        }
        Instant now = clock.instant();
        if (now.isBefore(current.notBefore()) || !now.isBefore(current.notAfter().plus(renewalAfterExpiry))) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + current.serial() + " expired at "
                    + current.notAfter() + "; re-enrollment is allowed up to " + renewalAfterExpiry + " after expiry");
        }
        DeviceRecord device = devices.find(current.deviceId()).orElseThrow();
        if (device.status() == DeviceStatus.DECOMMISSIONED) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "device " + device.id() + " is decommissioned");
        }
        StationRecord station = stations.find(current.stationId()).orElseThrow();
        if (!station.enabled()) {
            // A disabled station is one whose devices are suspect (bulk revocation usually follows).
            throw new FleetCaException(ProblemType.FORBIDDEN, "station " + station.id() + " of this device is disabled");
        }
        return new EnrollmentGrant("device:" + device.id(), station, device.id(), List.of(current.profile()), false, true,
                null, null, null, current);
    }
}
