package io.fleetca.ca;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
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

    /** How signatures are verified (fleetca.crypto.*). */
    Crypto crypto();

    interface Crypto {
        /**
         * Verify the ECDSA signatures of CSRs and of the key store, and station tokens' signatures, with the
         * Amazon Corretto Crypto Provider (AWS-LC) where it loads; false: BouncyCastle and the JDK (the same
         * answers, slower). Declared here so that start-up validates it; {@code common.NativeVerifier}, a
         * static helper that the RA and auth use too, reads it from the same configuration on first use.
         */
        @WithDefault("true")
        boolean nativeVerifier();
    }
}
