package io.fleetca.auth;

/** Extracts the token from an {@code Authorization: Bearer} header (RFC 6750 §2.1). */
final class BearerToken {
    /** Compact JWS are far below this; a bigger header is refused before any parsing. */
    static final int MAX_LENGTH = 8192;

    private BearerToken() {}

    static String from(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw Unauthorized.because("missing Authorization: Bearer credential");
        }
        if (authorization.length() > MAX_LENGTH) {
            throw Unauthorized.because("the Authorization header is too long");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw Unauthorized.because("the Authorization header must use the Bearer scheme");
        }
        String token = authorization.substring(7).strip();
        if (token.isEmpty()) {
            throw Unauthorized.because("the bearer token is empty");
        }
        return token;
    }
}
