package io.fleetca.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Who may call: admin/auditor JWT verification and station token rules. */
@ConfigMapping(prefix = "fleetca.auth")
public interface AuthConfig {

    /** JWKS that verifies admin and auditor JWTs: a file path or an https URL. Without it no admin can log in. */
    Optional<String> adminJwks();

    /** Required {@code iss} of admin and auditor JWTs. */
    @WithDefault("fleetca-admin")
    String adminIssuer();

    /** Required {@code aud} value of every token. */
    @WithDefault("fleetca")
    String audience();

    /** Clock skew tolerated on exp, iat and nbf. */
    @WithDefault("PT60S")
    Duration clockSkew();
}
