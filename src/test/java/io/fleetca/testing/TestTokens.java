package io.fleetca.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/**
 * Credentials for tests. The admin signing key lives in a file under target/ (the JWKS the
 * service trusts is written beside it), so every class loader sees the same key.
 */
public final class TestTokens {

    public static final Path ADMIN_JWK = Path.of("target", "test-admin-jwk.json").toAbsolutePath();
    public static final Path ADMIN_JWKS = Path.of("target", "test-admin-jwks.json").toAbsolutePath();

    private TestTokens() {}

    static synchronized void ensureAdminKeys() {
        try {
            if (Files.exists(ADMIN_JWK) && Files.exists(ADMIN_JWKS)) {
                return;
            }
            EllipticCurveJsonWebKey jwk = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            jwk.setKeyId("test-admin-" + UUID.randomUUID());
            Files.createDirectories(ADMIN_JWK.getParent());
            Files.writeString(ADMIN_JWK, jwk.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            Files.writeString(ADMIN_JWKS, new JsonWebKeySet(jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
        } catch (IOException | JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    static PublicJsonWebKey adminKey() {
        ensureAdminKeys();
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(Files.readString(ADMIN_JWK));
        } catch (IOException | JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String admin() {
        return "Bearer " + operatorJwt(List.of("admin"), c -> {});
    }

    public static String auditor() {
        return "Bearer " + operatorJwt(List.of("auditor"), c -> {});
    }

    /** An ES256 operator JWT with the given groups; {@code edit} may change any claim. */
    public static String operatorJwt(List<String> groups, Consumer<JwtClaims> edit) {
        PublicJsonWebKey key = adminKey();
        JwtClaims claims = new JwtClaims();
        claims.setIssuer("fleetca-admin");
        claims.setAudience("fleetca");
        claims.setSubject("alice");
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(30);
        claims.setStringListClaim("groups", groups);
        edit.accept(claims);
        return sign(claims, key.getPrivateKey(), key.getKeyId(), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    }

    /** Standard station claims: iss = station id, sub = device, aud fleetca, 5 minute lifetime, fresh jti. */
    public static JwtClaims stationClaims(String stationId, String deviceId) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(stationId);
        claims.setSubject(deviceId);
        claims.setAudience("fleetca");
        claims.setIssuedAtToNow();
        NumericDate exp = NumericDate.now();
        exp.addSeconds(300);
        claims.setExpirationTime(exp);
        claims.setJwtId(UUID.randomUUID().toString());
        return claims;
    }

    public static String sign(JwtClaims claims, Key key, String kid, String algorithm) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(algorithm);
        jws.setDoKeyValidation(false);
        if (AlgorithmIdentifiers.NONE.equals(algorithm)) {
            jws.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        }
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
