package io.fleetca.testing;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/** A provisioning station registered through the API, holding its private key like a real one. */
public final class TestStation {

    public final String id;
    public final String name;
    public final EllipticCurveJsonWebKey key;

    private TestStation(String id, String name, EllipticCurveJsonWebKey key) {
        this.id = id;
        this.name = name;
        this.key = key;
    }

    public static TestStation register(List<String> profiles, String pattern, int perHour) {
        return register(profiles, pattern, perHour, Map.of());
    }

    /** As {@link #register(List, String, int)}, with further registration fields (e.g. requireKeyBinding). */
    public static TestStation register(List<String> profiles, String pattern, int perHour, Map<String, Object> extra) {
        try {
            EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            String name = "line-" + UUID.randomUUID();
            Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name,
                    "publicKey", org.jose4j.json.JsonUtil.parseJson(key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)),
                    "profiles", profiles, "deviceIdPattern", pattern, "maxEnrollmentsPerHour", perHour));
            body.putAll(extra);
            String id = given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/stations")
                    .then().statusCode(201).extract().path("id");
            return new TestStation(id, name, key);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestStation register() {
        return register(List.of("idevid", "operational"), "dev-[0-9a-f-]+", 1000);
    }

    /** A fresh, valid enrollment token for this device. */
    public String token(String deviceId) {
        return token(TestTokens.stationClaims(id, deviceId));
    }

    public String token(JwtClaims claims) {
        return "Bearer " + TestTokens.sign(claims, key.getPrivateKey(), id, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    }

    public static String newDeviceId() {
        return "dev-" + UUID.randomUUID();
    }
}
