package io.fleetca.ra;

import io.fleetca.registry.StationRecord;

/** An enrollment as the api hands it over: the authenticated station, the device id it was authorized for, and the request body. */
public record EnrollmentRequest(StationRecord station, String deviceId, String profile, String csr) {}
