package io.fleetca.est;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** The EST server (RFC 7030), on its own HTTPS port. */
@ConfigMapping(prefix = "fleetca.est")
public interface EstConfig {

    /** Serve EST at all. */
    @WithDefault("true")
    boolean enabled();

    /** HTTPS port of /.well-known/est; TLS client authentication is requested there, not required. */
    @WithDefault("8443")
    int port();

    /** Interface to listen on. */
    @WithDefault("0.0.0.0")
    String host();

    /**
     * PEM file with the server certificate chain (leaf first) and PEM file with its private key. Without
     * them FleetCA generates a key at start-up and has its issuing CA certify it for the host of
     * fleetca.public-url, localhost and 127.0.0.1.
     */
    Optional<String> certificateFile();

    Optional<String> keyFile();

    /** Largest request body (a base64 PKCS#10 CSR), in bytes. */
    @WithDefault("32768")
    int maxBodyBytes();
}
