package io.fleetca.est;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
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
    /**
     * The profile {@code csrattrs} describes when the request names no label and carries no credential that
     * names a station (with one, the station's first profile, as simpleenroll without a label takes). A
     * profile that does not exist makes csrattrs answer 204 (RFC 7030 §4.5.2: nothing to require).
     */
    @WithDefault("operational")
    String defaultProfile();

    @WithDefault("32768")
    int maxBodyBytes();

    /**
     * Validity of the generated server certificate (not used with certificate-file). It is renewed while
     * running, with a fresh key, once less than server-certificate-renew-before is left.
     */
    @WithDefault("P30D")
    Duration serverCertificateValidity();

    /** Renewal margin of the generated server certificate; must be shorter than its validity (default: a third). */
    @WithDefault("P10D")
    Duration serverCertificateRenewBefore();

    /** How often the generated server certificate's remaining lifetime is checked. */
    @WithDefault("PT1M")
    Duration serverCertificateCheck();

    /**
     * Name of this FleetCA instance as holder of its generated server certificates (default: the host
     * name). At start-up an instance revokes (superseded) the generated certificates of its previous run
     * under the same name; instances sharing a database need distinct, stable names.
     */
    Optional<String> instanceId();

    /** A connection with no bytes read or written for this long is closed. */
    @WithDefault("PT30S")
    Duration idleTimeout();

    /** The TLS handshake must complete within this time. */
    @WithDefault("PT10S")
    Duration handshakeTimeout();

    /**
     * A request's headers and body must be in within this time from the connection (or from the end of
     * the previous response on a kept-alive connection): a client trickling bytes (slowloris) is cut off
     * although it never stays idle.
     */
    @WithDefault("PT10S")
    Duration requestTimeout();

    /** Open EST connections at most; a connection beyond the cap is closed right after its handshake. */
    @WithDefault("512")
    int maxConnections();

    /** Largest request head (all header lines), in bytes; larger ones get 431. */
    @WithDefault("8192")
    int maxHeaderSize();

    /** Longest request line (method, path, version), in bytes; longer ones are refused. */
    @WithDefault("2048")
    int maxInitialLineLength();
}
