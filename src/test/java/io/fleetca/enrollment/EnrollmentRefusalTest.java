package io.fleetca.enrollment;

import static io.fleetca.testing.Fixtures.assertNoDevice;
import static io.fleetca.enrollment.EnrollmentTest.enroll;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/** Every refusal is a problem+json 4xx with a stable type, and stores nothing. */
@QuarkusTest
class EnrollmentRefusalTest {

    private static final String P = "https://fleetca.io/problems/";

    private void refused(TestStation station, String deviceId, String profile, String csr, int status, String type) {
        enroll(station, deviceId, profile, csr).then().statusCode(status).contentType("application/problem+json")
                .body("type", equalTo(P + type)).body("status", equalTo(status)).body("detail", notNullValue())
                .body("detail", not(containsString("Exception")));
        assertNoDevice(deviceId);
    }

    @Test
    void garbageCsrsAre400() {
        TestStation s = TestStation.register();
        refused(s, TestStation.newDeviceId(), "idevid", "hello", 400, "bad-csr");
        refused(s, TestStation.newDeviceId(), "idevid", Base64.getEncoder().encodeToString(new byte[] {0x30, 0x03, 1, 2, 3}),
                400, "bad-csr");
        refused(s, TestStation.newDeviceId(), "idevid",
                "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----", 400, "bad-csr");
        refused(s, TestStation.newDeviceId(), "idevid", "", 400, "bad-csr");
        refused(s, TestStation.newDeviceId(), "idevid", "A".repeat(40_000), 413, "payload-too-large");
    }

    @Test
    void malformedBodiesAre400() {
        TestStation s = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        given().header("Authorization", s.token(deviceId)).contentType(ContentType.JSON).body("[1,2]")
                .when().post("/api/v1/devices/" + deviceId + "/certificates").then().statusCode(400)
                .contentType("application/problem+json");
        String d2 = TestStation.newDeviceId();
        given().header("Authorization", s.token(d2)).contentType(ContentType.JSON).body(Map.of("profile", "idevid", "csr", "x", "subject", "CN=evil"))
                .when().post("/api/v1/devices/" + d2 + "/certificates").then().statusCode(400)
                .body("detail", equalTo("unknown field 'subject'"));
        given().header("Authorization", s.token("bad id")).contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/devices/bad%20id/certificates").then().statusCode(400);
    }

    @Test
    void csrWhoseSignatureDoesNotVerifyIsRefused() throws Exception {
        TestStation s = TestStation.register();
        byte[] der = TestCsrs.csr(TestCsrs.ecP256(), "CN=x").getEncoded();
        der[der.length - 5] ^= 0x01; // flip a bit of the signature
        refused(s, TestStation.newDeviceId(), "idevid", Base64.getEncoder().encodeToString(der), 400, "bad-csr-signature");
        // A CSR for one key signed by another: no proof of possession.
        KeyPair a = TestCsrs.ecP256();
        KeyPair b = TestCsrs.ecP256();
        PKCS10CertificationRequest forged = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=x"), a.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(b.getPrivate()));
        refused(s, TestStation.newDeviceId(), "idevid", TestCsrs.pem(forged), 400, "bad-csr-signature");
    }

    @Test
    void keysOutsideTheProfileAreRefused() throws Exception {
        TestStation s = TestStation.register();
        refused(s, TestStation.newDeviceId(), "idevid", TestCsrs.pemFor(TestCsrs.rsa(1024)), 400, "bad-public-key");
        refused(s, TestStation.newDeviceId(), "idevid", TestCsrs.pemFor(TestCsrs.ecKey("secp521r1")), 400, "bad-public-key");
        // exponent 3
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(new java.security.spec.RSAKeyGenParameterSpec(2048, BigInteger.valueOf(3)));
        refused(s, TestStation.newDeviceId(), "idevid", TestCsrs.pemFor(g.generateKeyPair()), 400, "bad-public-key");
    }

    @Test
    void nonCanonicalKeyEncodingsAreRefused() throws Exception {
        TestStation s = TestStation.register();
        // RSA with absent (instead of NULL) parameters: the same key under a second encoding.
        KeyPair rsa = TestCsrs.rsa(2048);
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo canonical =
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(rsa.getPublic().getEncoded());
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo noParams = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption),
                canonical.getPublicKeyData().getBytes());
        PKCS10CertificationRequest csr = new org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=x"), noParams)
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(rsa.getPrivate()));
        refused(s, TestStation.newDeviceId(), "idevid", TestCsrs.pem(csr), 400, "bad-public-key");

        // EC in compressed form.
        KeyPair ec = TestCsrs.ecP256();
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo ecInfo =
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(ec.getPublic().getEncoded());
        org.bouncycastle.math.ec.ECPoint point = org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1").getCurve()
                .decodePoint(ecInfo.getPublicKeyData().getOctets());
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo compressed = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                ecInfo.getAlgorithm(), point.getEncoded(true));
        PKCS10CertificationRequest ecCsr = new org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=x"), compressed)
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(ec.getPrivate()));
        enroll(s, TestStation.newDeviceId(), "idevid", TestCsrs.pem(ecCsr)).then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void identifiersThatCannotBeStoredNeverReachTheDatabase() {
        TestStation s = TestStation.register();
        // NUL in a token kid, a CA id, a device id, a station id: 4xx, never 500.
        String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"alg\":\"ES256\",\"kid\":\"\\u0000\"}".getBytes());
        given().header("Authorization", "Bearer " + header + ".e30.AAAA").contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/devices/dev-1/certificates").then().statusCode(401);
        given().header("Authorization", "Bearer " + header + ".e30.AAAA").when().get("/api/v1/stations").then().statusCode(401);
        given().when().get("/api/v1/cas/%00/certificate").then().statusCode(404);
        given().header("Authorization", io.fleetca.testing.TestTokens.auditor()).when().get("/api/v1/devices/%00")
                .then().statusCode(400);
        given().header("Authorization", io.fleetca.testing.TestTokens.auditor()).when().get("/api/v1/stations/%00")
                .then().statusCode(404);
        given().header("Authorization", io.fleetca.testing.TestTokens.auditor()).queryParam("stationId", "\u0000")
                .when().get("/api/v1/devices").then().statusCode(400);
        // '_' is not a PrintableString character (X.520 serialNumber): device ids cannot contain it.
        enroll(s, "dev_1", "idevid", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(400);
    }

    @Test
    void fermatFactorableRsaKeyIsWeak() throws Exception {
        TestStation s = TestStation.register();
        refused(s, TestStation.newDeviceId(), "idevid", TestCsrs.pemFor(closePrimesKey()), 400, "weak-key");
    }

    /** An RSA-2048 key whose primes are adjacent: factorable by Fermat's method in one round. */
    static KeyPair closePrimesKey() throws Exception {
        BigInteger e = BigInteger.valueOf(65537);
        BigInteger p;
        BigInteger q;
        do {
            p = BigInteger.probablePrime(1024, new SecureRandom());
            q = p.nextProbablePrime();
        } while (p.multiply(q).bitLength() != 2048 || !p.subtract(BigInteger.ONE).gcd(e).equals(BigInteger.ONE)
                || !q.subtract(BigInteger.ONE).gcd(e).equals(BigInteger.ONE));
        BigInteger n = p.multiply(q);
        BigInteger phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
        BigInteger d = e.modInverse(phi);
        KeyFactory kf = KeyFactory.getInstance("RSA");
        return new KeyPair(kf.generatePublic(new RSAPublicKeySpec(n, e)), kf.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q,
                d.mod(p.subtract(BigInteger.ONE)), d.mod(q.subtract(BigInteger.ONE)), q.modInverse(p))));
    }

    @Test
    void stationScopeIsEnforced() {
        TestStation s = TestStation.register(List.of("operational"), "line7-[0-9]{4}", 100);
        String csr = TestCsrs.pemFor(TestCsrs.ecP256());
        refused(s, "line7-0001", "idevid", csr, 403, "out-of-scope");
        refused(s, "line8-0001", "operational", csr, 403, "out-of-scope");
        refused(s, "line7-0002", "no-such-profile", csr, 400, "unknown-profile");
        enroll(s, "line7-0003", "operational", csr).then().statusCode(201);
    }

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    @Test
    void decommissionedDeviceIsRefused() throws Exception {
        TestStation s = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        enroll(s, deviceId, "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(201);
        // Decommissioning arrives with the revocation workflow; the registry state is what the RA reads.
        try (var c = dataSource.getConnection(); var ps = c.prepareStatement("UPDATE device SET status = 'DECOMMISSIONED' WHERE id = ?")) {
            ps.setString(1, deviceId);
            org.junit.jupiter.api.Assertions.assertEquals(1, ps.executeUpdate());
        }
        enroll(s, deviceId, "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo(P + "device-decommissioned"));
    }

    @Test
    void hourlyRateIsEnforcedWithRetryAfter() {
        TestStation s = TestStation.register(List.of("operational"), "dev-[0-9a-f-]+", 2);
        enroll(s, TestStation.newDeviceId(), "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(201);
        enroll(s, TestStation.newDeviceId(), "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(201);
        String third = TestStation.newDeviceId();
        enroll(s, third, "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(429)
                .header("Retry-After", notNullValue()).body("type", equalTo(P + "rate-limited"));
        assertNoDevice(third);
    }
}
