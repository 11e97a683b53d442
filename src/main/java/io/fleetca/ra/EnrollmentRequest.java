package io.fleetca.ra;

import io.fleetca.registry.EnrollmentCodeRecord;
import io.fleetca.registry.StationRecord;

/**
 * One enrollment: the station it counts for, the device, the profile and the CSR. {@code code} is set
 * when a one-time enrollment code authorizes it instead of the station (the code then fixes device
 * and profile, and is used up with the certificate).
 */
public record EnrollmentRequest(StationRecord station, String deviceId, String profile, String csr,
                                EnrollmentCodeRecord code) {

    public EnrollmentRequest(StationRecord station, String deviceId, String profile, String csr) {
        this(station, deviceId, profile, csr, null);
    }
}
