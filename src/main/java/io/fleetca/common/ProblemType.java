package io.fleetca.common;

/**
 * Every refusal FleetCA gives, with its HTTP status and the stable {@code type} URI
 * (RFC 9457 §3.1.1) listed in openapi.yaml. Domain code names one of these; only the
 * api package turns it into an {@code application/problem+json} response.
 */
public enum ProblemType {
    MALFORMED_REQUEST(400, "malformed-request", "Malformed request"),
    BAD_CSR(400, "bad-csr", "The CSR cannot be parsed"),
    BAD_CSR_SIGNATURE(400, "bad-csr-signature", "The CSR signature does not verify (no proof of possession)"),
    BAD_PUBLIC_KEY(400, "bad-public-key", "The public key is not allowed"),
    WEAK_KEY(400, "weak-key", "The public key is known to be weak"),
    COMPROMISED_KEY(400, "compromised-key", "A certificate for this public key was revoked for key compromise"),
    UNKNOWN_PROFILE(400, "unknown-profile", "Unknown certificate profile"),
    UNAUTHORIZED(401, "unauthorized", "Missing or invalid credential"),
    FORBIDDEN(403, "forbidden", "The caller may not do this"),
    OUT_OF_SCOPE(403, "out-of-scope", "The request is outside the station's scope"),
    NOT_FOUND(404, "not-found", "Not found"),
    NOT_ACCEPTABLE(406, "not-acceptable", "Requested media type is not available"),
    KEY_REUSE(409, "key-reuse", "The public key is already certified for another device"),
    DEVICE_DECOMMISSIONED(409, "device-decommissioned", "The device is decommissioned"),
    DEVICE_ID_CASE_CONFLICT(409, "device-id-case-conflict", "A device id differing only in case exists"),
    CONFLICT(409, "conflict", "Conflict with the current state"),
    CA_REVOKED(409, "ca-revoked", "The CA has been revoked and issues nothing more"),
    CRL_NOT_READY(503, "crl-not-ready", "The CRL has not been published yet"),
    PAYLOAD_TOO_LARGE(413, "payload-too-large", "Request too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported media type"),
    RATE_LIMITED(429, "rate-limited", "Rate limit exceeded"),
    INTERNAL(500, "internal", "Internal error"),
    KEY_STORE_UNAVAILABLE(503, "key-store-unavailable", "The signing key store is unavailable"),
    BUSY(503, "busy", "FleetCA is busy"),
    DATABASE_UNAVAILABLE(503, "database-unavailable", "The database is unavailable");

    /** Base of every problem {@code type} URI. */
    public static final String BASE_URI = "https://fleetca.io/problems/";

    private final int status;
    private final String slug;
    private final String title;

    ProblemType(int status, String slug, String title) {
        this.status = status;
        this.slug = slug;
        this.title = title;
    }

    public int status() { return status; }

    public String slug() { return slug; }

    public String title() { return title; }

    public String uri() { return BASE_URI + slug; }
}
