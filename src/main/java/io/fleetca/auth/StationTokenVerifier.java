package io.fleetca.auth;

import io.fleetca.common.Text;
import io.fleetca.registry.OneTimeToken;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import io.fleetca.registry.TokenLedger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

/**
 * Verifies the per-enrollment token a station signs with its own private key:
 * header kid = station id; claims iss = station id, sub = the device id, aud = fleetca,
 * iat, exp at most 10 minutes after iat, and a jti accepted only once (across instances).
 * Optional claim {@code csr_spki_sha256}: base64url (no padding) of the SHA-256 of the DER
 * SubjectPublicKeyInfo the token may certify; the RA refuses a CSR with another key, and a station
 * registered with requireKeyBinding refuses tokens without it (a token seen in transit is then
 * worthless for another key).
 */
@ApplicationScoped
public class StationTokenVerifier {

    static final long MAX_LIFETIME_SECONDS = 600;

    @Inject
    StationRegistry stations;

    @Inject
    TokenLedger tokens;

    @Inject
    AuthConfig config;

    @Inject
    Clock clock;

    /** Parsed station keys by their JWK JSON (a station's key never changes once registered). */
    private final Map<String, PublicKey> keys = new ConcurrentHashMap<>();

    Caller verify(String token, String deviceId, Use use) {
        return verified(token, deviceId, use).caller();
    }

    /** A verified station token and the device it names (its sub). */
    record Verified(Caller caller, String deviceId) {}

    /**
     * When the jti is used up: {@code NOW}, in a transaction of its own during verification; or
     * {@code WITH_RESERVATION}, by the RA in the transaction that reserves the certificate's serial
     * (one commit less per enrollment, and a token refused for its CSR stays usable until it expires).
     */
    enum Use { NOW, WITH_RESERVATION }

    /** Verifies the token; {@code deviceId} null accepts any device id as sub (EST: the token names the device). */
    Verified verified(String token, String deviceId, Use use) {
        TokenHeader header = TokenHeader.parse(token);
        header.refuseUnsafeAlgorithms();
        if (header.kid() == null) {
            throw Unauthorized.because("the token header has no kid (the station id)");
        }
        if (!Text.isStationId(header.kid())) {
            throw Unauthorized.because("unknown kid: station ids are UUIDs");
        }
        StationRecord station = stations.find(header.kid())
                .orElseThrow(() -> Unauthorized.because("unknown kid: no station " + header.kid()));
        PublicKey key = keys.computeIfAbsent(station.publicJwk(), StationTokenVerifier::parseKey);
        String[] algorithms = key instanceof java.security.interfaces.ECPublicKey
                ? new String[] {AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256}
                : new String[] {AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_PSS_USING_SHA256};
        int skew = (int) config.clockSkew().toSeconds();
        Instant now = clock.instant();
        JwtClaims claims;
        try {
            claims = new JwtConsumerBuilder()
                    .setEvaluationTime(NumericDate.fromMilliseconds(now.toEpochMilli()))
                    .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, algorithms)
                    .setVerificationKey(key)
                    .setExpectedIssuer(station.id())
                    .setExpectedAudience(config.audience())
                    .setRequireExpirationTime()
                    .setRequireIssuedAt()
                    .setRequireJwtId()
                    .setRequireSubject()
                    .setIssuedAtRestrictions(skew, (int) MAX_LIFETIME_SECONDS + skew)
                    .setAllowedClockSkewInSeconds(skew)
                    .build()
                    .processToClaims(token);
        } catch (InvalidJwtException e) {
            throw JwtFailures.explain(e, "the station id");
        }
        // Only a caller holding the station's key learns that the station is disabled.
        if (!station.enabled()) {
            throw Unauthorized.because("station " + station.id() + " is disabled");
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
                throw Unauthorized.because("the token was issued for device " + claims.getSubject() + ", not " + deviceId);
            }
            String jti = claims.getJwtId();
            if (jti.isEmpty() || jti.length() > 256) {
                throw Unauthorized.because("jti must be 1 to 256 characters");
            }
            Instant expires = Instant.ofEpochSecond(claims.getExpirationTime().getValue()).plusSeconds(skew);
            OneTimeToken oneTime = new OneTimeToken(station.id(), jti, expires);
            if (use == Use.NOW && !tokens.consume(station.id(), jti, expires, now)) {
                throw Unauthorized.because("the token was already used (replayed jti)");
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
            return new Verified(new Caller(Caller.Role.STATION, station.id(), station, binding,
                    use == Use.WITH_RESERVATION ? oneTime : null), claims.getSubject());
        } catch (MalformedClaimException e) {
            throw Unauthorized.because("the token claims are malformed");
        }
    }

    /** True when the token is a JWS signed by the registered station its kid names (claims unchecked). */
    boolean isSignedByStation(String token, String kid) {
        if (!Text.isStationId(kid)) {
            return false;
        }
        return stations.find(kid).map(station -> {
            try {
                org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
                jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, AlgorithmIdentifiers.RSA_USING_SHA256,
                        AlgorithmIdentifiers.RSA_PSS_USING_SHA256));
                jws.setCompactSerialization(token);
                jws.setKey(keys.computeIfAbsent(station.publicJwk(), StationTokenVerifier::parseKey));
                return jws.verifySignature();
            } catch (JoseException | RuntimeException e) {
                return false;
            }
        }).orElse(false);
    }

    private static PublicKey parseKey(String jwk) {
        try {
            PublicJsonWebKey parsed = PublicJsonWebKey.Factory.newPublicJwk(jwk);
            if (parsed instanceof EllipticCurveJsonWebKey || parsed.getKeyType().equals("RSA")) {
                return parsed.getPublicKey();
            }
            throw new IllegalStateException("unsupported station key type");
        } catch (JoseException e) {
            throw new IllegalStateException("stored station key does not parse", e);
        }
    }
}
