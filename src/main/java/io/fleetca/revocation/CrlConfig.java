package io.fleetca.revocation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** CRL publication (RFC 5280 §5). */
@ConfigMapping(prefix = "fleetca.crl")
public interface CrlConfig {

    /** nextUpdate = thisUpdate + this. */
    @WithDefault("PT24H")
    Duration validity();

    /** A new full and delta CRL are published at least this often, revocations or not. */
    @WithDefault("PT1H")
    Duration republishInterval();

    /**
     * Longest time from a committed revocation (or release) to a published CRL that shows it; the
     * publisher checks for changes four times per this interval.
     */
    @WithDefault("PT60S")
    Duration publishDelay();

    /** HTTP Cache-Control max-age of a served CRL; never beyond its nextUpdate. */
    @WithDefault("PT5M")
    Duration maxAge();

    /** How long one instance may hold a CA's build lease before another may take over. */
    @WithDefault("PT10M")
    Duration buildLease();
}
