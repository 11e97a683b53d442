package io.fleetca.ca;

import io.fleetca.keys.KeyAlgorithm;
import java.time.Duration;
import java.util.Optional;

/** A CA to create: a root when {@code parentId} is empty, else an issuing CA under that parent. */
public record CaSpec(String id, String subject, Optional<String> parentId, KeyAlgorithm keyAlgorithm, Duration validity) {}
