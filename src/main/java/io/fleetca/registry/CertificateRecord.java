package io.fleetca.registry;

import java.time.Instant;

/**
 * One row of the issuance ledger. {@code der} is null while the serial is only reserved.
 * {@code revocationReason} is an RFC 5280 §5.3.1 reason name; it and {@code revokedAt} are set
 * while the status is REVOKED. {@code revokeAfter}: superseded by a renewal, to be revoked at that time.
 */
public record CertificateRecord(String issuerId, String serial, CertificateStatus status, String deviceId,
                                String stationId, String profile, String spkiSha256, Instant notBefore,
                                Instant notAfter, byte[] der, Instant reservedAt, Instant issuedAt,
                                Instant revokedAt, String revocationReason, Instant invalidityDate,
                                Instant revokeAfter) {

    public boolean validAt(Instant t) {
        return status == CertificateStatus.ISSUED && !t.isBefore(notBefore) && t.isBefore(notAfter);
    }
}
