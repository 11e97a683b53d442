package io.fleetca.ra;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.Json;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.profile.CertificateProfiles;
import io.fleetca.registry.DeviceRecord;
import io.fleetca.registry.DeviceRegistry;
import io.fleetca.registry.DeviceStatus;
import io.fleetca.registry.EnrollmentCodeRecord;
import io.fleetca.registry.EnrollmentCodeFailures;
import io.fleetca.registry.EnrollmentCodes;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/**
 * One-time enrollment codes for devices that enroll themselves in the field (EST with HTTP Basic:
 * username = device id, password = code). An admin grants one certificate of one profile to one
 * registered device; only the code's SHA-256 is stored, and the code is used up in the transaction
 * that records the certificate, so it works exactly once.
 */
@ApplicationScoped
public class EnrollmentCodeService {

    /** 192 random bits, base64url: 32 characters. */
    private static final int CODE_BYTES = 24;

    @Inject
    EnrollmentCodes codes;

    @Inject
    EnrollmentCodeFailures failures;

    @Inject
    DeviceRegistry devices;

    @Inject
    CertificateProfiles profiles;

    @Inject
    AuditLog audit;

    @Inject
    RaConfig config;

    @Inject
    Clock clock;

    private final SecureRandom random = new SecureRandom();

    public EnrollmentCode create(String actor, String deviceId, String profile, Instant expiresAt) {
        if (profile == null || profiles.find(profile).isEmpty()) {
            throw new FleetCaException(ProblemType.UNKNOWN_PROFILE, "profile '" + Text.clip(String.valueOf(profile), 64)
                    + "' does not exist; known: " + profiles.names());
        }
        Instant now = clock.instant();
        if (expiresAt == null || !expiresAt.isAfter(now) || expiresAt.isAfter(now.plus(config.enrollment().codeMaxValidity()))) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "expiresAt must be in the future and at most "
                    + config.enrollment().codeMaxValidity().toDays() + " days ahead");
        }
        DeviceRecord device = devices.find(deviceId).orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND,
                "device " + deviceId + " is not registered; codes are for devices a station has enrolled before"));
        if (device.status() == DeviceStatus.DECOMMISSIONED) {
            throw new FleetCaException(ProblemType.DEVICE_DECOMMISSIONED, "device " + deviceId + " is decommissioned");
        }
        byte[] secret = new byte[CODE_BYTES];
        random.nextBytes(secret);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String hash = Text.sha256Hex(code);
        QuarkusTransaction.requiringNew().run(() -> {
            codes.add(new EnrollmentCodeRecord(hash, deviceId, profile, actor, now, expiresAt, null, null));
            failures.clear(deviceId); // an admin's new code ends a lockout from guessed codes
            audit.append(new AuditEvent(actor, "enrollment-code.created", "device:" + deviceId, Json.object(
                    "profile", profile, "expiresAt", expiresAt.toString(), "codeRef", hash.substring(0, 12))));
        });
        return new EnrollmentCode(deviceId, profile, code, expiresAt);
    }
}
