package io.fleetca.auth;

import io.fleetca.common.NativeVerifier;
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
        StationRecord station = stations.current(header.kid())
                .orElseThrow(() -> Unauthorized.because("unknown kid: no station " + header.kid()));
        PublicKey key = keys.computeIfAbsent(station.publicJwk(), StationTokenVerifier::parseKey);
        Instant now = clock.instant();
        StationTokenClaims claims = StationTokenClaims.verify(token, key, station.id(), station.enabled(),
                config.audience(), now, (int) config.clockSkew().toSeconds(), deviceId);
        OneTimeToken oneTime = new OneTimeToken(station.id(), claims.jti(), claims.expires());
        if (use == Use.NOW && !tokens.consume(station.id(), claims.jti(), claims.expires(), now)) {
            throw Unauthorized.because("the token was already used (replayed jti)");
        }
        return new Verified(new Caller(Caller.Role.STATION, station.id(), station, claims.keyBinding(),
                use == Use.WITH_RESERVATION ? oneTime : null), claims.deviceId());
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
                NativeVerifier.jwsProviderContext().ifPresent(jws::setProviderContext);
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
