package io.fleetca.ocsp;

import java.time.Instant;

/**
 * A DER-encoded OCSPResponse and how HTTP may cache it: {@code cacheable} responses (no nonce,
 * RFC 5019 §6.2) carry their thisUpdate and nextUpdate; everything else must not be cached.
 */
public record OcspAnswer(byte[] der, boolean cacheable, Instant thisUpdate, Instant nextUpdate, String etag) {

    static OcspAnswer uncacheable(byte[] der) {
        return new OcspAnswer(der, false, null, null, null);
    }
}
