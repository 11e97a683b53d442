package io.fleetca.ra;

/** An enrollment as the api hands it over: the authenticated station, the device id it was authorized for, and the request body. */
public record EnrollmentRequest(String stationId, String deviceId, String profile, String csr) {}
