package io.fleetca.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "audit_event")
class AuditEventEntity {
    @Id
    Long seq;
    @Column(name = "occurred_at")
    Instant occurredAt;
    String actor;
    String action;
    String target;
    String details;
    @Column(name = "prev_hash")
    String prevHash;
    String hash;

    AuditEventRecord toRecord() {
        return new AuditEventRecord(seq, occurredAt, actor, action, target, details, prevHash, hash);
    }
}
