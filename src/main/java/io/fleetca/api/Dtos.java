package io.fleetca.api;

import io.fleetca.registry.AuditEventRecord;
import io.fleetca.registry.CaRecord;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.DeviceRecord;
import java.time.Instant;
import java.util.List;

/** JSON shapes of the REST API (openapi.yaml is the contract). */
final class Dtos {
    private Dtos() {}

    record CaView(String id, String name, String subject, String keyAlgorithm, String parentId, Instant notBefore,
                  Instant notAfter, String sha256, String certificate, Instant revokedAt, String revocationReason) {
        static CaView of(CaRecord ca) {
            return new CaView(ca.id(), ca.id(), ca.subject(), ca.keyAlgorithm(), ca.parentId(), ca.notBefore(),
                    ca.notAfter(), ca.sha256(), Pem.certificate(ca.certificateDer()), ca.revokedAt(), ca.revocationReason());
        }
    }

    record CaValidity(Integer validityDays) {}

    record CaRevocationView(boolean changed, String message, List<String> revokedSerials, CaView ca) {}

    record PreproducedView(String caId, int certificates, int responses, Instant thisUpdate, Instant nextUpdate) {}

    record CreateCa(String id, String subject, String parentId, String keyAlgorithm, Integer validityDays) {}

    record RegisterStation(String name, Object publicKey, List<String> profiles, String deviceIdPattern,
                           Integer maxEnrollmentsPerHour, Boolean requireKeyBinding) {}

    record StationView(String id, String name, Object publicKey, List<String> profiles, String deviceIdPattern,
                       int maxEnrollmentsPerHour, boolean enabled, Instant createdAt, Instant disabledAt,
                       boolean requireKeyBinding) {}

    record EnrollRequest(String profile, String csr) {}

    record StationCertificateRequest(String csr) {}

    record EnrollResponse(String serial, String deviceId, String issuerId, String profile, Instant notBefore,
                          Instant notAfter, String certificate, String chain) {}

    record CertificateView(String serial, String issuerId, String status, String deviceId, String stationId,
                           String profile, Instant notBefore, Instant notAfter, Instant reservedAt, Instant issuedAt,
                           Instant revokedAt, String revocationReason, Instant invalidityDate, String certificate) {
        static CertificateView of(CertificateRecord c) {
            return new CertificateView(c.serial(), c.issuerId(), c.status().name(), c.deviceId(), c.stationId(),
                    c.profile(), c.notBefore(), c.notAfter(), c.reservedAt(), c.issuedAt(), c.revokedAt(),
                    c.revocationReason(), c.invalidityDate(), c.der() == null ? null : Pem.certificate(c.der()));
        }
    }

    /** GET /api/v1/certificates/reserved: serials reserved and never issued (registry.ReservedSerials). */
    record ReservedSerialsView(long count, String olderThan, List<ReservedSerialView> serials) {}

    record ReservedSerialView(String issuerId, String serial, String deviceId, String stationId, String profile,
                              Instant reservedAt) {}

    record RevokeRequest(String reason, String invalidityDate) {}

    record EnrollmentCodeRequest(String profile, String expiresAt) {}

    record EnrollmentCodeView(String deviceId, String profile, String code, Instant expiresAt) {}

    record RevocationView(boolean changed, String message, CertificateView certificate) {}

    record DecommissionRequest(String reason) {}

    record DeviceChangeView(String deviceId, String status, boolean changed, List<String> revokedSerials,
                            String message) {}

    record BulkRevocationRequest(String reason, List<String> serials, List<String> deviceIds, String stationId,
                                 String issuedAfter, String issuedBefore) {}

    record RevocationJobView(String id, String status, String reason, long revoked, String requestedBy,
                             Object criteria, Instant createdAt, Instant finishedAt) {}

    record CertificateSummary(String serial, String issuerId, String status, String profile, Instant notBefore,
                              Instant notAfter) {
        static CertificateSummary of(CertificateRecord c) {
            return new CertificateSummary(c.serial(), c.issuerId(), c.status().name(), c.profile(), c.notBefore(), c.notAfter());
        }
    }

    record DeviceView(String id, String status, String stationId, Instant createdAt, Instant updatedAt,
                      List<CertificateSummary> certificates) {
        static DeviceView of(DeviceRecord d, List<CertificateRecord> certs) {
            return new DeviceView(d.id(), d.status().name(), d.stationId(), d.createdAt(), d.updatedAt(),
                    certs == null ? null : certs.stream().map(CertificateSummary::of).toList());
        }
    }

    record PageView<T>(List<T> items, long total, int page, int size) {}

    record AuditEventView(Long seq, Instant occurredAt, String actor, String action, String target, String details,
                          String prevHash, String hash) {
        static AuditEventView of(AuditEventRecord e) {
            return new AuditEventView(e.seq(), e.occurredAt(), e.actor(), e.action(), e.target(), e.details(),
                    e.prevHash(), e.hash());
        }
    }

    record AuditVerification(boolean intact, long eventsChecked, Long firstBrokenSeq, String reason,
                             long checkpointsChecked, CheckpointView lastCheckpoint, long unsealed) {}

    /** A signed checkpoint of the audit chain: an auditor who keeps one can later prove the chain was cut. */
    record CheckpointView(long seq, String hash, Instant signedAt, String keyAlias, String algorithm, String signature) {
        static CheckpointView of(io.fleetca.registry.AuditStore.Checkpoint c) {
            return new CheckpointView(c.seq(), c.hash(), c.signedAt(), c.keyAlias(), c.algorithm(),
                    java.util.Base64.getEncoder().encodeToString(c.signature()));
        }
    }
}
