package io.fleetca.profile;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** One certificate profile, resolved from configuration. */
public record CertificateProfile(String name, Duration validity, boolean subjectSerialNumber,
                                 Set<DeviceKeyType> keyTypes, int rsaMinBits, int rsaMaxBits,
                                 Optional<String> issuer, List<String> extendedKeyUsages, Duration backdate,
                                 RenewalKey renewalKey) {}
