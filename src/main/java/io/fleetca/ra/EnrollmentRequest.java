package io.fleetca.ra;

import io.fleetca.registry.EnrollmentCodeRecord;
import io.fleetca.registry.OneTimeToken;
import io.fleetca.registry.StationRecord;

/**
 * One enrollment: the station it counts for, the device, the profile and the CSR. {@code code} is set
 * when a one-time enrollment code authorizes it instead of the station (the code then fixes device
 * and profile, and is used up with the certificate). {@code token} is set when a station token
 * authorized it (not for codes or a station's TLS certificate).
 */
public record EnrollmentRequest(StationRecord station, String deviceId, String profile, String csr,
                                EnrollmentCodeRecord code, StationToken token) {

    /**
     * The station token that authorized the enrollment. {@code csrSpkiSha256}: its csr_spki_sha256 claim
     * (base64url SHA-256 of the SubjectPublicKeyInfo it may certify), null when it has none. {@code use}:
     * its jti, used up with the serial's reservation; never null (a token without it would be replayable).
     */
    public record StationToken(String csrSpkiSha256, OneTimeToken use) {
        public StationToken {
            java.util.Objects.requireNonNull(use, "a station token's jti must be used up with the reservation");
        }
    }

    public EnrollmentRequest(StationRecord station, String deviceId, String profile, String csr, StationToken token) {
        this(station, deviceId, profile, csr, null, token);
    }

    public EnrollmentRequest(StationRecord station, String deviceId, String profile, String csr,
                             EnrollmentCodeRecord code) {
        this(station, deviceId, profile, csr, code, null);
    }
}
