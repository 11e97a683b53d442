package io.fleetca.ocsp;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The OCSP responder (RFC 6960, RFC 5019 profile). */
@ConfigMapping(prefix = "fleetca.ocsp")
public interface OcspConfig {

    /** nextUpdate - thisUpdate of a response; a cached response is re-signed after half of it. */
    @WithDefault("PT1H")
    Duration responseValidity();

    /** HTTP Cache-Control max-age of a cacheable response; never beyond its nextUpdate (RFC 5019 §6.2). */
    @WithDefault("PT5M")
    Duration maxAge();

    /** Validity of a delegated responder certificate (short: it carries id-pkix-ocsp-nocheck). */
    @WithDefault("P7D")
    Duration responderValidity();

    /** A responder certificate is replaced when less than this is left of it. */
    @WithDefault("P2D")
    Duration responderRenewBefore();

    /** Largest request accepted, in bytes (POST body or decoded GET). */
    @WithDefault("8192")
    int maxRequestBytes();

    /** Most certificates asked about in one request. */
    @WithDefault("20")
    int maxCertificates();

    /**
     * Most signed responses, and most certificate states, kept in memory; the least recently used one is
     * dropped when full.
     */
    @WithDefault("100000")
    int cacheSize();

    /**
     * Responses signed per second for one request alone (a nonce, or several CertIDs). Past it, a request
     * for one certificate with a nonce gets the cached response without the nonce (RFC 8954 §2.1) and a
     * request for several certificates gets tryLater (RFC 6960 §2.3). 0: never sign for one request alone.
     */
    @WithDefault("300")
    int nonceSignaturesPerSecond();
}
