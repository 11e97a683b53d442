package io.fleetca.revocation;

import io.fleetca.audit.AuditEvent;
import io.fleetca.common.Json;
import io.fleetca.registry.CertificateRecord;
import java.time.Instant;
import java.util.Arrays;

/**
 * The one audit shape of a certificate's revocation, whatever its reason (RFC 5280 §5.3.1) or who
 * revoked it (an admin, key compromise spreading, a successor superseding it, a grace period ending):
 * action {@code certificate.revoked}, target the certificate, details issuer, device, station, reason,
 * then what the cause adds (invalidityDate, previousReason, supersededBy, graceEnded, ...). A supersession
 * scheduled for later is {@code certificate.superseded} with the same first fields.
 */
final class RevocationEvents {

    private RevocationEvents() {}

    static AuditEvent revoked(String actor, CertificateRecord certificate, String reason, String... cause) {
        return new AuditEvent(actor, "certificate.revoked", "certificate:" + certificate.serial(),
                Json.object(join(certificate, reason, cause)));
    }

    static AuditEvent supersessionScheduled(String actor, CertificateRecord certificate, String successorSerial,
                                            Instant revokeAfter) {
        return new AuditEvent(actor, "certificate.superseded", "certificate:" + certificate.serial(), Json.object(
                join(certificate, "superseded", "supersededBy", successorSerial, "revokeAfter", revokeAfter.toString())));
    }

    private static String[] join(CertificateRecord c, String reason, String... cause) {
        String[] first = {"issuer", c.issuerId(), "device", c.deviceId(), "station", c.stationId(), "reason", reason};
        String[] all = Arrays.copyOf(first, first.length + cause.length);
        System.arraycopy(cause, 0, all, first.length, cause.length);
        return all;
    }
}
