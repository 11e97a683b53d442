package io.fleetca.auth;

import io.fleetca.common.NativeVerifier;
import io.fleetca.common.Text;
import java.security.PublicKey;
import java.time.Instant;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

/**
 * A station token's signature and claims, checked without the database (the station's key and id are given;
 * whether the jti was used before is the ledger's): RFC 7519 with RFC 8725's rules, by jose4j, then FleetCA's
 * own rules. Pure, so that it can be fuzzed (StationTokenClaimsFuzzTest): whatever the token, the outcome is
 * these claims or a 401.
 *
 * @param deviceId   the token's sub
 * @param jti        its id, 1 to 256 characters
 * @param expires    exp plus the allowed clock skew: until then a replay must be refused
 * @param keyBinding the csr_spki_sha256 claim, or null
 */
record StationTokenClaims(String deviceId, String jti, Instant expires, String keyBinding) {

    static final long MAX_LIFETIME_SECONDS = 600;

    /**
     * {@code deviceId} null accepts any device id as sub (EST: the token names the device). Algorithms: ES256 for
     * an EC key, RS256 and PS256 for an RSA key (never none or HMAC, RFC 8725 §3.1-3.2). A disabled station is
     * refused once the signature and the registered claims verified: only a caller holding the station's key
     * learns that it is disabled.
     */
    static StationTokenClaims verify(String token, PublicKey key, String stationId, boolean stationEnabled,
                                     String audience, Instant now, int skewSeconds, String deviceId) {
        String[] algorithms = key instanceof java.security.interfaces.ECPublicKey
                ? new String[] {AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256}
                : new String[] {AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_PSS_USING_SHA256};
        JwtClaims claims;
        try {
            JwtConsumerBuilder consumer = new JwtConsumerBuilder();
            NativeVerifier.jwsProviderContext().ifPresent(consumer::setJwsProviderContext);
            claims = consumer
                    .setEvaluationTime(NumericDate.fromMilliseconds(now.toEpochMilli()))
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithms)
                    .setVerificationKey(key)
                    .setExpectedIssuer(stationId)
                    .setExpectedAudience(audience)
                    .setRequireExpirationTime()
                    .setRequireIssuedAt()
                    .setRequireJwtId()
                    .setRequireSubject()
                    .setIssuedAtRestrictions(skewSeconds, (int) MAX_LIFETIME_SECONDS + skewSeconds)
                    .setAllowedClockSkewInSeconds(skewSeconds)
                    .build()
                    .processToClaims(token);
        } catch (InvalidJwtException e) {
            throw JwtFailures.explain(e, "the station id");
        }
        if (!stationEnabled) {
            throw Unauthorized.because("station " + stationId + " is disabled");
        }
        try {
            long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
            if (lifetime > MAX_LIFETIME_SECONDS || lifetime <= 0) {
                throw Unauthorized.because("station tokens must expire within 10 minutes of iat");
            }
            if (deviceId == null && !Text.isDeviceId(claims.getSubject())) {
                throw Unauthorized.because("the token's sub is not a device id");
            }
            if (deviceId != null && !deviceId.equals(claims.getSubject())) {
                throw Unauthorized.because("the token was issued for device " + Text.clip(claims.getSubject(), 128)
                        + ", not " + deviceId);
            }
            String jti = claims.getJwtId();
            if (jti.isEmpty() || jti.length() > 256) {
                throw Unauthorized.because("jti must be 1 to 256 characters");
            }
            String binding = null;
            if (claims.hasClaim(Caller.KEY_BINDING_CLAIM)) {
                Object value = claims.getClaimValue(Caller.KEY_BINDING_CLAIM);
                if (!(value instanceof String s) || !s.matches("[A-Za-z0-9_-]{43}")) {
                    throw Unauthorized.because(Caller.KEY_BINDING_CLAIM
                            + " must be the base64url SHA-256 (43 characters, no padding) of the CSR's SubjectPublicKeyInfo");
                }
                binding = s;
            }
            Instant expires = Instant.ofEpochSecond(claims.getExpirationTime().getValue()).plusSeconds(skewSeconds);
            return new StationTokenClaims(claims.getSubject(), jti, expires, binding);
        } catch (MalformedClaimException e) {
            throw Unauthorized.because("the token claims are malformed");
        }
    }
}
