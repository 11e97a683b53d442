package io.fleetca.ca;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** Settings of the signing side. */
@ConfigMapping(prefix = "fleetca")
public interface CaConfig {

    /**
     * Base URL under which brokers reach FleetCA's public endpoints; it is written into
     * every certificate (CRL distribution point, OCSP and CA-issuers URLs), so it must be stable.
     * Required outside the development profile.
     */
    String publicUrl();

    /** Issuing CA used for profiles that name none; defaults to the first issuing CA created. */
    Optional<String> defaultIssuer();
}
