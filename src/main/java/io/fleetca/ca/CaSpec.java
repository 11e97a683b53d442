package io.fleetca.ca;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.keys.KeyAlgorithm;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * A CA to create: a root when {@code parentId} is empty, else an issuing CA under that parent.
 * {@code keyAlgorithm} is a {@link KeyAlgorithm} name (EC_P256, EC_P384, RSA_3072, RSA_4096).
 */
public record CaSpec(String id, String subject, Optional<String> parentId, String keyAlgorithm, Duration validity) {

    KeyAlgorithm algorithm() {
        try {
            return KeyAlgorithm.valueOf(keyAlgorithm);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "keyAlgorithm must be one of " + Arrays.toString(KeyAlgorithm.values()));
        }
    }
}
