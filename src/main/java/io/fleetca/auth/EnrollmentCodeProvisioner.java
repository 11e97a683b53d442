package io.fleetca.auth;

import io.fleetca.common.CredentialLockout;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.LimitsConfig;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SourceAddress;
import io.fleetca.common.Text;
import io.fleetca.registry.DeviceRecord;
import io.fleetca.registry.DeviceRegistry;
import io.fleetca.registry.EnrollmentCodeFailures;
import io.fleetca.registry.EnrollmentCodeRecord;
import io.fleetca.registry.EnrollmentCodes;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Enrollment with a one-time code an admin created for one device and one profile (EST with HTTP Basic,
 * RFC 7617: user id = device id, password = code). The admin chose device and profile, so the station's
 * scope does not apply and the certificate is not charged to the station's budget; it still counts as
 * the device's station's. The code is used up in the transaction that records the certificate.
 *
 * <p>Guessing is limited twice: per registered device in the database (fleetca.limits.enrollment-code-failures,
 * across instances, the lockout audited) and per source address by the EST server (its refusal budget).
 */
@ApplicationScoped
public class EnrollmentCodeProvisioner implements Provisioner<EnrollmentCodeProvisioner.Presented> {

    /** The Basic credentials as presented: a claimed device id and the code, and the client's address. */
    public record Presented(String deviceId, String code, String source) {}

    private static final String NO_CODE = "no usable enrollment code for this device (unknown, used or expired)";

    @Inject
    EnrollmentCodes codes;

    @Inject
    DeviceRegistry devices;

    @Inject
    StationRegistry stations;

    @Inject
    EnrollmentCodeFailures failures;

    @Inject
    LimitsConfig limits;

    @Inject
    Event<CredentialLockout> lockouts;

    @Inject
    CallerContext context;

    @Inject
    Clock clock;

    @Override
    public EnrollmentGrant authorize(Presented presented, Optional<String> profileLabel) {
        String deviceId = presented.deviceId();
        String secret = presented.code();
        // Only a hash is stored; an implausible id or code is not looked up at all.
        boolean plausible = Text.isDeviceId(deviceId) && secret != null && !secret.isEmpty() && secret.length() <= 128;
        if (plausible) {
            refuseWhileLocked(deviceId);
        }
        Optional<EnrollmentCodeRecord> usable = plausible
                ? codes.findUsable(deviceId, Text.sha256Hex(secret), clock.instant()) : Optional.empty();
        if (usable.isEmpty()) {
            if (plausible) {
                countFailure(deviceId, presented.source());
            }
            throw new FleetCaException(ProblemType.UNAUTHORIZED, NO_CODE);
        }
        EnrollmentCodeRecord code = usable.get();
        String actor = "device:" + deviceId;
        context.verified(actor);
        if (profileLabel.isPresent() && !profileLabel.get().equals(code.profile())) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "the enrollment code grants profile " + code.profile()
                    + ", not " + profileLabel.get());
        }
        DeviceRecord device = devices.find(deviceId).orElseThrow(() -> new FleetCaException(ProblemType.UNAUTHORIZED, NO_CODE));
        StationRecord station = stations.find(device.stationId()).orElseThrow();
        return new EnrollmentGrant(actor, station, deviceId, List.of(code.profile()), false, false, null, null, code, null);
    }

    /**
     * A device whose codes were guessed wrong fleetca.limits.enrollment-code-failures times in the window is
     * refused before its code is looked at, so the right code found after the limit is worth nothing.
     */
    private void refuseWhileLocked(String deviceId) {
        if (limits.enrollmentCodeFailures() <= 0) {
            return;
        }
        Instant now = clock.instant();
        failures.lockedUntil(deviceId, limits.enrollmentCodeFailures(), limits.enrollmentCodeLockout(), now)
                .ifPresent(until -> {
                    throw new FleetCaException(ProblemType.RATE_LIMITED, "enrollment codes for device " + deviceId
                            + " are locked until " + until + " after " + limits.enrollmentCodeFailures()
                            + " wrong codes (fleetca.limits.enrollment-code-failures); an admin may create a new code",
                            Duration.between(now, until));
                });
    }

    /** Counts a wrong code against a registered device (ids nobody registered are the per-source limit's). */
    private void countFailure(String deviceId, String source) {
        if (limits.enrollmentCodeFailures() <= 0 || devices.find(deviceId).isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        EnrollmentCodeFailures.Count count = failures.recordFailure(deviceId, limits.enrollmentCodeLockout(), now);
        if (count.failures() == limits.enrollmentCodeFailures()) {
            lockouts.fire(new CredentialLockout("enrollment-code", "device:" + deviceId, count.failures(),
                    count.windowEnd(), SourceAddress.key(source)));
        }
    }
}
