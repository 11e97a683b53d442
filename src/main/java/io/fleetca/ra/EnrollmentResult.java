package io.fleetca.ra;

import io.fleetca.ca.IssuedCertificate;

/** {@code created} is false when an earlier, still valid certificate for the same device, key and profile was returned. */
public record EnrollmentResult(IssuedCertificate certificate, boolean created) {}
