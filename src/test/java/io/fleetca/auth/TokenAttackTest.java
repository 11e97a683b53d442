package io.fleetca.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

/**
 * The JWT attacks of RFC 8725 and the usual header tricks, against station enrollment and admin endpoints
 * over HTTP: each refused with a 401 problem naming why, nothing stored. Verification always uses the key
 * FleetCA holds for the kid (the station's registered JWK, the admin JWKS); keys, URLs and certificates a
 * token brings in its header (jwk, jku, x5u, x5c) are never used, nor fetched.
 */
@QuarkusTest
class TokenAttackTest {

    private static void enrollRefused(String authorization, String deviceId, String detailPart) {
        Fixtures.enrollmentRefused(authorization, deviceId, detailPart);
    }

    /** RFC 8725 §2.1: HS256 keyed with what the verifier knows publicly (the station's JWK, its SPKI). */
    @Test
    void hmacKeyedWithTheStationsPublicKeyIsRefused() throws Exception {
        TestStation station = TestStation.register();
        String device = TestStation.newDeviceId();
        byte[] jwkText = station.key.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).getBytes(StandardCharsets.UTF_8);
        byte[] spki = station.key.getPublicKey().getEncoded();
        for (byte[] secret : new byte[][] {jwkText, spki}) {
            enrollRefused("Bearer " + TestTokens.sign(TestTokens.stationClaims(station.id, device), new HmacKey(secret),
                    station.id, AlgorithmIdentifiers.HMAC_SHA256), device, "HMAC");
        }
        for (String alg : new String[] {"none", "NONE", "nOnE"}) {
            enrollRefused("Bearer " + header(Map.of("alg", alg, "kid", station.id)) + "."
                    + b64(TestTokens.stationClaims(station.id, device).toJson()) + ".", device, "alg none");
        }
    }

    /** RFC 8725 §3.10 (and CVE-2018-0114): a key in the header is the attacker's, never the one to verify with. */
    @Test
    void keysAndUrlsInTheHeaderAreNeverUsed() throws Exception {
        TestStation station = TestStation.register();
        EllipticCurveJsonWebKey attacker = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        X509Certificate attackerCert = selfSigned(attacker);
        String device = TestStation.newDeviceId();
        for (String trick : new String[] {"jwk", "jku", "x5u", "x5c"}) {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(TestTokens.stationClaims(station.id, device).toJson());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
            jws.setKeyIdHeaderValue(station.id);
            jws.setKey(attacker.getPrivateKey());
            switch (trick) {
                case "jwk" -> jws.setJwkHeader(attacker);
                case "jku" -> jws.setHeader("jku", "http://127.0.0.1:9/jwks.json");
                case "x5u" -> jws.setHeader("x5u", "http://127.0.0.1:9/cert.pem");
                default -> jws.setCertificateChainHeaderValue(attackerCert);
            }
            enrollRefused("Bearer " + jws.getCompactSerialization(), device, "signature");
        }
        // The same headers on a token the station did sign change nothing: it enrolls (nothing was fetched).
        JsonWebSignature honest = new JsonWebSignature();
        honest.setPayload(TestTokens.stationClaims(station.id, device).toJson());
        honest.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        honest.setKeyIdHeaderValue(station.id);
        honest.setHeader("jku", "http://127.0.0.1:9/jwks.json");
        honest.setJwkHeader(attacker);
        honest.setKey(station.key.getPrivateKey());
        given().header("Authorization", "Bearer " + honest.getCompactSerialization()).contentType(ContentType.JSON)
                .body(Map.of("profile", "operational", "csr", TestCsrs.pemFor(TestCsrs.ecP256())))
                .when().post("/api/v1/devices/" + device + "/certificates").then().statusCode(201);
    }

    /** A kid is a station id (a UUID) looked up in the registry, never a path or a query. */
    @Test
    void kidsWithPathCharactersAreRefusedBeforeAnyLookup() throws Exception {
        TestStation station = TestStation.register();
        String device = TestStation.newDeviceId();
        for (String kid : new String[] {"../../etc/passwd", "..%2f..%2fetc%2fpasswd", station.id + "/..", "a\u0000b",
                station.id + "' OR '1'='1", "x".repeat(5000)}) {
            enrollRefused("Bearer " + TestTokens.sign(TestTokens.stationClaims(station.id, device),
                    station.key.getPrivateKey(), kid, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256), device,
                    "station ids are UUIDs");
        }
    }

    @Test
    void notBeforeAheadIsRefused() {
        TestStation station = TestStation.register();
        String device = TestStation.newDeviceId();
        JwtClaims early = TestTokens.stationClaims(station.id, device);
        early.setNotBefore(NumericDate.fromSeconds(NumericDate.now().getValue() + 300));
        enrollRefused(station.token(early), device, "not valid yet");
    }

    /** The admin side: alg none, HMAC keyed with the published JWKS, an attacker's key under the admin kid. */
    @Test
    void adminTokenAttacksAreRefused() throws Exception {
        String real = TestTokens.admin().substring("Bearer ".length());
        String claims = new String(java.util.Base64.getUrlDecoder().decode(real.split("\\.")[1]), StandardCharsets.UTF_8);
        String kid = (String) org.jose4j.json.JsonUtil.parseJson(new String(java.util.Base64.getUrlDecoder()
                .decode(real.split("\\.")[0]), StandardCharsets.UTF_8)).get("kid");
        String unsigned = header(Map.of("alg", "none", "kid", kid)) + "." + b64(claims) + ".";
        JsonWebSignature hmac = new JsonWebSignature();
        hmac.setPayload(claims);
        hmac.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        hmac.setKeyIdHeaderValue(kid);
        hmac.setKey(new HmacKey(Files.readAllBytes(TestTokens.ADMIN_JWKS)));
        hmac.setDoKeyValidation(false);
        EllipticCurveJsonWebKey attacker = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        JsonWebSignature foreign = new JsonWebSignature();
        foreign.setPayload(claims);
        foreign.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        foreign.setKeyIdHeaderValue(kid);
        foreign.setJwkHeader(attacker);
        foreign.setKey(attacker.getPrivateKey());
        for (String token : new String[] {unsigned, hmac.getCompactSerialization(), foreign.getCompactSerialization()}) {
            given().header("Authorization", "Bearer " + token).when().get("/api/v1/stations")
                    .then().statusCode(401).contentType("application/problem+json");
            given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                    .body(Map.of("reason", "keyCompromise")).when().post("/api/v1/certificates/0a/revoke")
                    .then().statusCode(401);
        }
    }

    /** CA ids and CRL names from the URL never reach a file or a query unchecked: 4xx, never 5xx. */
    @Test
    void hostilePathSegmentsGetA4xx() {
        for (String path : new String[] {"/crl/..%2F..%2Fetc%2Fpasswd.crl", "/crl/%2e%2e.crl", "/crl/dev-root%00.crl",
                "/crl/" + "a".repeat(3000) + ".crl", "/crl/dev-root-delta-delta.crl", "/api/v1/cas/..%2fdev-root/certificate",
                "/api/v1/cas/dev-root%00/certificate", "/api/v1/cas/%2e%2e/certificate", "/api/v1/certificates/..%2F..",
                "/api/v1/devices/%00/certificates"}) {
            int status = given().urlEncodingEnabled(false).header("Authorization", TestTokens.admin())
                    .when().get(path).then().extract().statusCode();
            assertTrue(status >= 400 && status < 500, path + " answered " + status);
        }
        // OCSP answers in its own error form (RFC 6960 §2.3): HTTP 200, OCSPResponse malformedRequest.
        for (String path : new String[] {"/ocsp/%2e%2e%2f%2e%2e", "/ocsp/%00", "/ocsp/" + "A".repeat(3000)}) {
            byte[] body = given().urlEncodingEnabled(false).when().get(path).then().statusCode(200)
                    .contentType("application/ocsp-response").extract().asByteArray();
            try {
                assertTrue(new org.bouncycastle.cert.ocsp.OCSPResp(body).getStatus()
                        == org.bouncycastle.cert.ocsp.OCSPResp.MALFORMED_REQUEST, path);
            } catch (java.io.IOException e) {
                throw new AssertionError(path + " did not answer an OCSPResponse", e);
            }
        }
    }

    private static String header(Map<String, Object> fields) {
        return b64(org.jose4j.json.JsonUtil.toJson(fields));
    }

    private static String b64(String json) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static X509Certificate selfSigned(EllipticCurveJsonWebKey key) throws Exception {
        X500Name name = new X500Name("CN=attacker");
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                new Date(), new Date(System.currentTimeMillis() + 86_400_000L), name, key.getPublicKey())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivateKey())));
    }
}
