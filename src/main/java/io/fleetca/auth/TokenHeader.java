package io.fleetca.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

/** The unverified protected header of a compact JWS, read only to choose the key and refuse bad algorithms early. */
record TokenHeader(String alg, String kid) {

    static TokenHeader parse(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || token.chars().filter(c -> c == '.').count() != 2) {
            throw Unauthorized.because("the bearer token is not a compact JWS (header.payload.signature)");
        }
        try {
            String json = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            Map<String, Object> header = JsonUtil.parseJson(json);
            Object alg = header.get("alg");
            Object kid = header.get("kid");
            return new TokenHeader(alg instanceof String a ? a : null, kid instanceof String k ? k : null);
        } catch (JoseException | IllegalArgumentException | ClassCastException e) {
            throw Unauthorized.because("the bearer token header is not valid base64url JSON");
        }
    }

    /** RFC 8725 §3.1/§3.2: never accept "none", and never HMAC where a public key is expected. */
    void refuseUnsafeAlgorithms() {
        if (alg == null) {
            throw Unauthorized.because("the token header has no alg");
        }
        if ("none".equalsIgnoreCase(alg)) {
            throw Unauthorized.because("unsigned tokens (alg none) are refused");
        }
        if (alg.toUpperCase(java.util.Locale.ROOT).startsWith("HS")) {
            throw Unauthorized.because("HMAC algorithms (" + alg + ") are refused; sign with the station's private key");
        }
    }
}
