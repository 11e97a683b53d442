package io.fleetca.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "certificate_authority")
class CaEntity {
    @Id
    String id;
    @Column(name = "parent_id")
    String parentId;
    String subject;
    @Column(name = "key_alias")
    String keyAlias;
    @Column(name = "key_algorithm")
    String keyAlgorithm;
    @Column(name = "not_before")
    Instant notBefore;
    @Column(name = "not_after")
    Instant notAfter;
    @Column(name = "certificate_der")
    byte[] certificateDer;
    String sha256;
    @Column(name = "created_at")
    Instant createdAt;
    @Column(name = "revoked_at")
    Instant revokedAt;
    @Column(name = "revocation_reason")
    String revocationReason;

    CaRecord toRecord() {
        return new CaRecord(id, parentId, subject, keyAlias, keyAlgorithm, notBefore, notAfter, certificateDer, sha256, createdAt,
                revokedAt, revocationReason);
    }
}
