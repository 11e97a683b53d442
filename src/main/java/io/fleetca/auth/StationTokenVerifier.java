package io.fleetca.auth;

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

    Caller verify(String token, String deviceId) {
        TokenHeader header = TokenHeader.parse(token);
        header.refuseUnsafeAlgorithms();
        if (header.kid() == null) {
            throw Unauthorized.because("the token header has no kid (the station id)");
        }
        StationRecord station = stations.find(header.kid())
                .orElseThrow(() -> Unauthorized.because("unknown kid: no station " + header.kid()));
        if (!station.enabled()) {
            throw Unauthorized.because("station " + station.name() + " is disabled");
        }
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
        try {
            long lifetime = claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue();
            if (lifetime > MAX_LIFETIME_SECONDS || lifetime <= 0) {
                throw Unauthorized.because("station tokens must expire within 10 minutes of iat");
            }
            if (!deviceId.equals(claims.getSubject())) {
                throw Unauthorized.because("the token was issued for device " + claims.getSubject() + ", not " + deviceId);
            }
            String jti = claims.getJwtId();
            if (jti.isEmpty() || jti.length() > 256) {
                throw Unauthorized.because("jti must be 1 to 256 characters");
            }
            Instant expires = Instant.ofEpochSecond(claims.getExpirationTime().getValue()).plusSeconds(skew);
            if (!tokens.consume(station.id(), jti, expires, now)) {
                throw Unauthorized.because("the token was already used (replayed jti)");
            }
        } catch (MalformedClaimException e) {
            throw Unauthorized.because("the token claims are malformed");
        }
        return new Caller(Caller.Role.STATION, station.id());
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
