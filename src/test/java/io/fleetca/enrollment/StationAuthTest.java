package io.fleetca.enrollment;

import static io.fleetca.testing.Fixtures.assertNoDevice;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

/** Station tokens: each way a token can be wrong is a 401 saying which, and nothing is stored. */
@QuarkusTest
class StationAuthTest {

    private static void refusedWith(String authorization, String deviceId, String detailPart) {
        Fixtures.enrollmentRefused(authorization, deviceId, detailPart);
    }

    /** base64url(SHA-256(SubjectPublicKeyInfo DER)): the csr_spki_sha256 claim for a key. */
    static String spkiClaim(java.security.KeyPair key) throws Exception {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                java.security.MessageDigest.getInstance("SHA-256").digest(key.getPublic().getEncoded()));
    }

    private static io.restassured.response.ValidatableResponse enrollWith(String authorization, String deviceId,
                                                                          java.security.KeyPair key) {
        return given().header("Authorization", authorization).contentType(ContentType.JSON)
                .body(Map.of("profile", "operational", "csr", TestCsrs.pemFor(key)))
                .when().post("/api/v1/devices/" + deviceId + "/certificates").then();
    }

    /**
     * A token seen in transit must not be redeemable with another key: the csr_spki_sha256 claim binds
     * it to the CSR's key, and a station registered with requireKeyBinding accepts only bound tokens.
     */
    @Test
    void keyBoundTokens() throws Exception {
        TestStation bound = TestStation.register(List.of("operational"), "dev-[0-9a-f-]+", 100,
                Map.of("requireKeyBinding", true));
        given().header("Authorization", TestTokens.admin()).when().get("/api/v1/stations/" + bound.id)
                .then().statusCode(200).body("requireKeyBinding", equalTo(true));
        java.security.KeyPair deviceKey = TestCsrs.ecP256();
        java.security.KeyPair otherKey = TestCsrs.ecP256();

        String unboundDevice = TestStation.newDeviceId();
        enrollWith(bound.token(unboundDevice), unboundDevice, deviceKey).statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("csr_spki_sha256"));
        assertNoDevice(unboundDevice);

        String device = TestStation.newDeviceId();
        JwtClaims forDeviceKey = TestTokens.stationClaims(bound.id, device);
        forDeviceKey.setClaim("csr_spki_sha256", spkiClaim(deviceKey));
        String token = bound.token(forDeviceKey);
        // Someone who saw the token first tries it with their own key: refused.
        enrollWith(token, device, otherKey).statusCode(403).body("type", equalTo("https://fleetca.io/problems/forbidden"))
                .body("detail", containsString("csr_spki_sha256 names another key"));
        assertNoDevice(device);
        JwtClaims fresh = TestTokens.stationClaims(bound.id, device);
        fresh.setClaim("csr_spki_sha256", spkiClaim(deviceKey));
        enrollWith(bound.token(fresh), device, deviceKey).statusCode(201);

        // A malformed claim is a bad token.
        String malformedDevice = TestStation.newDeviceId();
        JwtClaims malformed = TestTokens.stationClaims(bound.id, malformedDevice);
        malformed.setClaim("csr_spki_sha256", "not-a-digest");
        refusedWith(bound.token(malformed), malformedDevice, "csr_spki_sha256");

        // Optional elsewhere: a station without requireKeyBinding takes unbound tokens, but checks a bound one.
        TestStation plain = TestStation.register();
        String plainDevice = TestStation.newDeviceId();
        JwtClaims other = TestTokens.stationClaims(plain.id, plainDevice);
        other.setClaim("csr_spki_sha256", spkiClaim(otherKey));
        enrollWith(plain.token(other), plainDevice, deviceKey).statusCode(403);
        enrollWith(plain.token(plainDevice), plainDevice, TestCsrs.ecP256()).statusCode(201);
    }

    @Test
    void replayedTokenIsRefused() {
        TestStation s = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        String token = s.token(deviceId);
        String csr = TestCsrs.pemFor(TestCsrs.ecP256());
        given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("profile", "operational", "csr", csr))
                .when().post("/api/v1/devices/" + deviceId + "/certificates").then().statusCode(201);
        given().header("Authorization", token).contentType(ContentType.JSON).body(Map.of("profile", "operational", "csr", csr))
                .when().post("/api/v1/devices/" + deviceId + "/certificates").then().statusCode(401)
                .body("detail", containsString("already used"));
    }

    /**
     * The jti is used up with the serial's reservation: a token whose request was refused before it (here a
     * CSR that does not parse) is still good for the real request, which then uses it up; an idempotent
     * retry with a fresh token gets the same certificate and leaves that token unused.
     */
    @Test
    void tokenIsUsedUpWithTheReservationOnly() {
        TestStation s = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        String token = s.token(deviceId);
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(Map.of("profile", "operational", "csr", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"))
                .when().post("/api/v1/devices/" + deviceId + "/certificates").then().statusCode(400);
        java.security.KeyPair key = TestCsrs.ecP256();
        String serial = enrollWith(token, deviceId, key).statusCode(201).extract().path("serial");
        enrollWith(token, deviceId, key).statusCode(401).body("detail", containsString("already used"));

        String retry = s.token(deviceId);
        enrollWith(retry, deviceId, key).statusCode(200).body("serial", equalTo(serial));
        enrollWith(retry, deviceId, key).statusCode(200).body("serial", equalTo(serial));
    }

    @Test
    void badTokensAreRefusedSayingWhy() throws Exception {
        TestStation s = TestStation.register();
        String d = TestStation.newDeviceId();

        refusedWith("Bearer " + TestTokens.sign(TestTokens.stationClaims(s.id, d), null, s.id, AlgorithmIdentifiers.NONE),
                TestStation.newDeviceId(), "alg none");
        HmacKey hmac = new HmacKey(new byte[32]);
        refusedWith("Bearer " + TestTokens.sign(TestTokens.stationClaims(s.id, d), hmac, s.id, AlgorithmIdentifiers.HMAC_SHA256),
                d, "HMAC");
        refusedWith("Bearer " + TestTokens.sign(TestTokens.stationClaims(s.id, d), s.key.getPrivateKey(), "no-such-station",
                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256), d, "unknown kid");

        JwtClaims wrongAud = TestTokens.stationClaims(s.id, d);
        wrongAud.setAudience("someone-else");
        refusedWith(s.token(wrongAud), d, "audience");

        JwtClaims expired = TestTokens.stationClaims(s.id, d);
        expired.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() - 900));
        expired.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() - 600));
        refusedWith(s.token(expired), d, "expired");

        JwtClaims future = TestTokens.stationClaims(s.id, d);
        future.setIssuedAt(NumericDate.fromSeconds(NumericDate.now().getValue() + 3600));
        future.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 3700));
        refusedWith(s.token(future), d, "future");

        JwtClaims tooLong = TestTokens.stationClaims(s.id, d);
        tooLong.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 3600));
        refusedWith(s.token(tooLong), d, "10 minutes");

        JwtClaims otherDevice = TestTokens.stationClaims(s.id, "dev-someone-else");
        refusedWith(s.token(otherDevice), d, "issued for device");

        JwtClaims noJti = TestTokens.stationClaims(s.id, d);
        noJti.unsetClaim("jti");
        refusedWith(s.token(noJti), d, "jti");

        JwtClaims wrongIss = TestTokens.stationClaims("another", d);
        refusedWith(s.token(wrongIss), d, "issuer");

        TestStation other = TestStation.register();
        refusedWith("Bearer " + TestTokens.sign(TestTokens.stationClaims(s.id, d), other.key.getPrivateKey(), s.id,
                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256), d, "signature");

        refusedWith("Basic dXNlcjpwYXNz", d, "Bearer");
        refusedWith("Bearer not-a-jws", d, "compact JWS");
    }

    @Test
    void rsaStationSignsRs256Tokens() throws Exception {
        org.jose4j.jwk.RsaJsonWebKey key = org.jose4j.jwk.RsaJwkGenerator.generateJwk(2048);
        String id = given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "rsa-" + java.util.UUID.randomUUID(), "publicKey",
                        org.jose4j.json.JsonUtil.parseJson(key.toJson(org.jose4j.jwk.JsonWebKey.OutputControlLevel.PUBLIC_ONLY)),
                        "profiles", List.of("operational"), "deviceIdPattern", "dev-.*", "maxEnrollmentsPerHour", 10))
                .when().post("/api/v1/stations").then().statusCode(201).extract().path("id");
        String d = TestStation.newDeviceId();
        given().header("Authorization", "Bearer " + TestTokens.sign(TestTokens.stationClaims(id, d), key.getPrivateKey(), id,
                        AlgorithmIdentifiers.RSA_USING_SHA256)).contentType(ContentType.JSON)
                .body(Map.of("profile", "operational", "csr", TestCsrs.pemFor(TestCsrs.ecP256())))
                .when().post("/api/v1/devices/" + d + "/certificates").then().statusCode(201);
        // ES256 claimed with an RSA key is refused.
        String d2 = TestStation.newDeviceId();
        refusedWith("Bearer " + TestTokens.sign(TestTokens.stationClaims(id, d2), TestCsrs.ecP256().getPrivate(), id,
                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256), d2, "algorithm");
    }

    @Test
    void disabledStationIsRefused() {
        TestStation s = TestStation.register();
        given().header("Authorization", TestTokens.admin()).when().post("/api/v1/stations/" + s.id + "/disable")
                .then().statusCode(200).body("enabled", equalTo(false));
        refusedWith(s.token(TestStation.newDeviceId()), TestStation.newDeviceId(), "disabled");
    }

    @Test
    void stationsCannotCallOperatorEndpointsAndAuditorsCannotChangeAnything() {
        TestStation s = TestStation.register();
        given().header("Authorization", s.token("dev-1")).when().get("/api/v1/stations").then().statusCode(403);
        given().header("Authorization", s.token("dev-1")).when().get("/api/v1/audit").then().statusCode(403);
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/stations").then().statusCode(200);
        given().header("Authorization", TestTokens.auditor()).when().post("/api/v1/stations/" + s.id + "/disable")
                .then().statusCode(403);
        given().header("Authorization", TestTokens.auditor()).contentType(ContentType.JSON)
                .body(Map.of("name", "x", "publicKey", "{}", "profiles", List.of("idevid"), "deviceIdPattern", ".*",
                        "maxEnrollmentsPerHour", 1))
                .when().post("/api/v1/stations").then().statusCode(403);
        given().header("Authorization", TestTokens.admin()).when().get("/api/v1/stations/" + s.id)
                .then().statusCode(200).body("enabled", equalTo(true)).body("publicKey.kty", equalTo("EC"));
    }

    @Test
    void operatorTokensAreChecked() {
        given().header("Authorization", "Bearer " + TestTokens.operatorJwt(List.of("admin"), c -> c.setIssuer("evil")))
                .when().get("/api/v1/stations").then().statusCode(401).body("detail", containsString("issuer"));
        given().header("Authorization", "Bearer " + TestTokens.operatorJwt(List.of("admin"), c -> c.setAudience("other")))
                .when().get("/api/v1/stations").then().statusCode(401).body("detail", containsString("audience"));
        given().header("Authorization", "Bearer " + TestTokens.operatorJwt(List.of("admin"),
                        c -> c.setExpirationTimeMinutesInTheFuture(240)))
                .when().get("/api/v1/stations").then().statusCode(401);
        given().header("Authorization", "Bearer " + TestTokens.operatorJwt(List.of("viewer"), c -> {}))
                .when().get("/api/v1/stations").then().statusCode(403);
        // sub names the operator in the audit log: required, for reading and for changing calls alike.
        given().header("Authorization", "Bearer " + TestTokens.operatorJwt(List.of("admin"), c -> c.unsetClaim("sub")))
                .when().get("/api/v1/stations").then().statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("must carry sub"));
        given().header("Authorization", "Bearer " + TestTokens.operatorJwt(List.of("admin"), c -> c.setSubject(" ")))
                .when().post("/api/v1/stations/" + java.util.UUID.randomUUID() + "/disable").then().statusCode(401)
                .body("detail", containsString("must carry sub"));
        given().header("Authorization", "Bearer " + TestTokens.operatorJwt(List.of("auditor"), c -> c.setSubject("a\nb")))
                .when().get("/api/v1/stations").then().statusCode(401).body("detail", containsString("control characters"));
        given().when().get("/api/v1/devices").then().statusCode(401);
        given().when().get("/api/v1/audit/verify").then().statusCode(401);
    }

    @Test
    void stationRegistrationRefusals() {
        Map<String, Object> base = Map.of("name", "x", "profiles", List.of("idevid"), "deviceIdPattern", ".*",
                "maxEnrollmentsPerHour", 10);
        java.util.function.Function<Map<String, Object>, io.restassured.response.ValidatableResponse> post = extra -> {
            Map<String, Object> body = new java.util.HashMap<>(base);
            body.putAll(extra);
            return given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON).body(body)
                    .when().post("/api/v1/stations").then();
        };
        post.apply(Map.of("publicKey", Map.of("kty", "oct", "k", "AAAA"))).statusCode(400);
        post.apply(Map.of("publicKey", Map.of("kty", "EC", "crv", "P-256", "x", "bad", "y", "bad"))).statusCode(400);
        TestStation s = TestStation.register();
        Map<String, Object> jwk = given().header("Authorization", TestTokens.admin()).when().get("/api/v1/stations/" + s.id)
                .then().extract().path("publicKey");
        post.apply(Map.of("publicKey", jwk, "profiles", List.of("nope"))).statusCode(400);
        post.apply(Map.of("publicKey", jwk, "deviceIdPattern", "([")).statusCode(400);
        post.apply(Map.of("publicKey", jwk, "maxEnrollmentsPerHour", 0)).statusCode(400);
        post.apply(Map.of("publicKey", jwk, "name", s.name)).statusCode(409);
        given().header("Authorization", TestTokens.admin()).when().get("/api/v1/stations/nope").then().statusCode(404);
    }
}
