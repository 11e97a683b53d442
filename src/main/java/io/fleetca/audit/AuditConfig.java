package io.fleetca.audit;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The audit chain's sealer: {@code fleetca.audit.*}. */
@ConfigMapping(prefix = "fleetca.audit")
public interface AuditConfig {

    /** How often the sealer moves written events into the chain (they are durable from their own commit on). */
    @WithDefault("PT0.2S")
    Duration sealInterval();

    /** Most events sealed in one transaction. */
    @WithDefault("2000")
    int sealBatch();

    /** A checkpoint of the chain head is signed in the HSM when this long has passed since the last one. */
    @WithDefault("PT1S")
    Duration checkpointInterval();
}
