package io.fleetca.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "device")
class DeviceEntity {
    @Id
    String id;
    String status;
    @Column(name = "station_id")
    String stationId;
    @Column(name = "created_at")
    Instant createdAt;
    @Column(name = "updated_at")
    Instant updatedAt;

    DeviceRecord toRecord() {
        return new DeviceRecord(id, DeviceStatus.valueOf(status), stationId, createdAt, updatedAt);
    }
}
