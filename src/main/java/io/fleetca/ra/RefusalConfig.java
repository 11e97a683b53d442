package io.fleetca.ra;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How refusals of callers whose credential did not verify are counted and audited (see UnverifiedRefusals). */
@ConfigMapping(prefix = "fleetca.refusals")
public interface RefusalConfig {

    /** How often the counts are written to the audit log, one anonymous event per source address and reason. */
    @WithDefault("PT1M")
    Duration flushInterval();

    /**
     * Distinct (channel, source, reason) counters kept between flushes; refusals from further sources are
     * counted under source "other", so memory stays bounded whatever the callers send.
     */
    @WithDefault("1000")
    int maxSources();
}
