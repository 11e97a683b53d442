package io.fleetca.ra;

import io.fleetca.keys.KeyAlgorithm;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Policy settings of the registration authority. */
@ConfigMapping(prefix = "fleetca")
public interface RaConfig {

    Bootstrap bootstrap();

    Enrollment enrollment();

    interface Bootstrap {
        /** Create a development root and issuing CA on first start when no CA exists. */
        @WithDefault("false")
        boolean enabled();

        @WithDefault("EC_P256")
        KeyAlgorithm keyAlgorithm();

        @WithDefault("P7300D")
        Duration rootValidity();

        @WithDefault("P3650D")
        Duration issuingValidity();
    }

    interface Enrollment {
        /** Largest CSR accepted (PEM or DER), in bytes. */
        @WithDefault("16384")
        int maxCsrBytes();
    }
}
