package io.fleetca.registry;

import java.time.Instant;

/** A device FleetCA has certified (or is certifying). */
public record DeviceRecord(String id, DeviceStatus status, String stationId, Instant createdAt, Instant updatedAt) {}
