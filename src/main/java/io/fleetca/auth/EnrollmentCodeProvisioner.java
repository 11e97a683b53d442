package io.fleetca.auth;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.registry.DeviceRecord;
import io.fleetca.registry.DeviceRegistry;
import io.fleetca.registry.EnrollmentCodeRecord;
import io.fleetca.registry.EnrollmentCodes;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Enrollment with a one-time code an admin created for one device and one profile (EST with HTTP Basic,
 * RFC 7617: user id = device id, password = code). The admin chose device and profile, so the station's
 * scope does not apply and the certificate is not charged to the station's budget; it still counts as
 * the device's station's. The code is used up in the transaction that records the certificate.
 */
@ApplicationScoped
public class EnrollmentCodeProvisioner implements Provisioner<EnrollmentCodeProvisioner.Presented> {

    /** The Basic credentials as presented: a claimed device id and the code. */
    public record Presented(String deviceId, String code) {}

    private static final String NO_CODE = "no usable enrollment code for this device (unknown, used or expired)";

    @Inject
    EnrollmentCodes codes;

    @Inject
    DeviceRegistry devices;

    @Inject
    StationRegistry stations;

    @Inject
    CallerContext context;

    @Inject
    Clock clock;

    @Override
    public EnrollmentGrant authorize(Presented presented, Optional<String> profileLabel) {
        String deviceId = presented.deviceId();
        String secret = presented.code();
        // Only a hash is stored; an implausible id or code is not looked up at all.
        Optional<EnrollmentCodeRecord> usable = !Text.isDeviceId(deviceId) || secret == null || secret.isEmpty()
                || secret.length() > 128 ? Optional.empty()
                : codes.findUsable(deviceId, Text.sha256Hex(secret), clock.instant());
        EnrollmentCodeRecord code = usable.orElseThrow(() -> new FleetCaException(ProblemType.UNAUTHORIZED, NO_CODE));
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
}
