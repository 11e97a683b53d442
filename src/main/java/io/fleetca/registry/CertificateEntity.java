package io.fleetca.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "certificate")
class CertificateEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "issuer_id")
    String issuerId;
    String serial;
    String status;
    @Column(name = "device_id")
    String deviceId;
    @Column(name = "station_id")
    String stationId;
    String profile;
    @Column(name = "spki_sha256")
    String spkiSha256;
    @Column(name = "not_before")
    Instant notBefore;
    @Column(name = "not_after")
    Instant notAfter;
    byte[] der;
    @Column(name = "reserved_at")
    Instant reservedAt;
    @Column(name = "issued_at")
    Instant issuedAt;
    @Column(name = "revoked_at")
    Instant revokedAt;
    @Column(name = "revocation_reason")
    String revocationReason;
    @Column(name = "invalidity_date")
    Instant invalidityDate;
    @Column(name = "revoke_after")
    Instant revokeAfter;
    @Column(name = "revocation_seq")
    Long revocationSeq;

    CertificateRecord toRecord() {
        return new CertificateRecord(issuerId, serial, CertificateStatus.valueOf(status), deviceId, stationId, profile,
                spkiSha256, notBefore, notAfter, der, reservedAt, issuedAt,
                status.equals(CertificateStatus.REVOKED.name()) ? revokedAt : null, revocationReason, invalidityDate, revokeAfter);
    }
}
