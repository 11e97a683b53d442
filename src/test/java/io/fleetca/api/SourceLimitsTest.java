package io.fleetca.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.ocsp.OcspTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.FromAddress;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.Test;

/**
 * Limits per source address on the public endpoints (issue 12), each reached from a loopback address of its
 * own (127.0.0.2 and up; the other tests call from 127.0.0.1, exempt in the test configuration) with the test
 * configuration's small limits: 3 CRL downloads a minute, 2 OCSP nonce signatures a second, 3 refused EST
 * credentials a minute; and the per-device limit on wrong enrollment codes (3), which holds for every source.
 */
@QuarkusTest
class SourceLimitsTest {

    @Inject
    MeterRegistry meters;

    private double exceeded(String limit) {
        return meters.counter("fleetca.limits.exceeded", "limit", limit).count();
    }

    @Test
    void crlDownloadsAreLimitedPerSourceAndConditionalRequestsAreFree() throws Exception {
        double before = exceeded("crl-downloads");
        try (FromAddress a = FromAddress.rest("127.0.0.2"); FromAddress b = FromAddress.rest("127.0.0.3")) {
            String etag = null;
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> r = a.send(HttpRequest.newBuilder(FromAddress.restUri("/crl/dev-issuing.crl")));
                assertEquals(200, r.statusCode());
                etag = r.headers().firstValue("ETag").orElseThrow();
            }
            HttpResponse<byte[]> limited = a.send(HttpRequest.newBuilder(FromAddress.restUri("/crl/dev-issuing.crl")));
            assertEquals(429, limited.statusCode());
            assertEquals("application/problem+json", limited.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
            String problem = new String(limited.body(), StandardCharsets.UTF_8);
            assertTrue(problem.contains("rate-limited") && problem.contains("crl-downloads-per-minute"), problem);

            // A conditional request costs nothing: 304 while the downloads are spent.
            HttpResponse<byte[]> conditional = a.send(HttpRequest.newBuilder(FromAddress.restUri("/crl/dev-issuing.crl"))
                    .header("If-None-Match", etag));
            assertEquals(304, conditional.statusCode());
            // Another source, and the exempt one, still download.
            assertEquals(200, b.send(HttpRequest.newBuilder(FromAddress.restUri("/crl/dev-issuing.crl"))).statusCode());
            given().when().get("/crl/dev-issuing.crl").then().statusCode(200);
        }
        assertEquals(before + 1, exceeded("crl-downloads"));
    }

    @Test
    void oneSourceCannotSpendTheNonceSigningBudget() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        X509CertificateHolder ca = cert.issuer();
        CertificateID id = OcspTest.certId(ca, cert.serialNumber(), CertificateID.HASH_SHA1);
        SecureRandom random = new SecureRandom();
        int echoed = 0;
        int ignored = 0;
        long started = System.nanoTime();
        try (FromAddress flood = FromAddress.rest("127.0.0.4")) {
            for (int i = 0; i < 20; i++) {
                byte[] nonce = new byte[16];
                random.nextBytes(nonce);
                HttpResponse<byte[]> r = flood.send(HttpRequest.newBuilder(FromAddress.restUri("/ocsp"))
                        .header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(OcspTest.request(nonce, id))));
                assertEquals(200, r.statusCode());
                BasicOCSPResp answer = OcspTest.verified(new OCSPResp(r.body()), ca);
                if (echoOf(answer) == null) {
                    ignored++;
                } else {
                    assertArrayEquals(nonce, echoOf(answer));
                    echoed++;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // 2 a second with a burst of 2: whatever the machine's speed, at most 2 + 2 per elapsed second.
        assertTrue(echoed >= 1 && echoed <= 2 + 2 * Math.ceil(seconds), echoed + " echoed in " + seconds + " s");
        assertTrue(ignored >= 1, "past its share, the source gets the response without its nonce (RFC 8954 §2.1)");
        // The instance's budget is not spent: another source's nonce is still echoed.
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        assertArrayEquals(nonce, echoOf(OcspTest.verified(OcspTest.post(OcspTest.request(nonce, id)), ca)));
    }

    @Test
    void refusedEstCredentialsAreLimitedPerSource() throws Exception {
        X509Certificate root = root();
        Fixtures.Enrolled device = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        String code = code(device.deviceId());
        String csr = csrFor(device.deviceId());
        double before = exceeded("est-refusals");
        try (FromAddress guesser = FromAddress.est("127.0.0.5", root); FromAddress other = FromAddress.est("127.0.0.6", root)) {
            for (int i = 0; i < 3; i++) {
                // Device ids nobody registered: only the per-source limit sees these.
                assertEquals(401, enroll(guesser, basic("unregistered-" + TestStation.newDeviceId(), "guess" + i), csr).statusCode());
            }
            // Spent: 429 before the credential is looked at, so even the right code is refused from here.
            HttpResponse<byte[]> limited = enroll(guesser, basic(device.deviceId(), code), csr);
            assertEquals(429, limited.statusCode(), new String(limited.body(), StandardCharsets.UTF_8));
            assertTrue(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow()) >= 1);
            assertTrue(new String(limited.body(), StandardCharsets.UTF_8).contains("est-refusals-per-minute"));
            // Another address enrolls with the same code.
            assertEquals(200, enroll(other, basic(device.deviceId(), code), csr).statusCode());
        }
        assertTrue(exceeded("est-refusals") >= before + 1);
    }

    @Test
    void wrongCodesLockTheDeviceForEverySourceUntilAnAdminCreatesANewCode() throws Exception {
        X509Certificate root = root();
        Fixtures.Enrolled device = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        String code = code(device.deviceId());
        String csr = csrFor(device.deviceId());
        // From 127.0.0.1, exempt from the per-source limits: the per-device limit holds anyway.
        try (FromAddress exempt = FromAddress.est("127.0.0.1", root); FromAddress fresh = FromAddress.est("127.0.0.7", root)) {
            for (int i = 0; i < 3; i++) {
                assertEquals(401, enroll(exempt, basic(device.deviceId(), "wrong-" + i), csr).statusCode());
            }
            for (FromAddress from : List.of(exempt, fresh)) {
                HttpResponse<byte[]> locked = enroll(from, basic(device.deviceId(), code), csr);
                String body = new String(locked.body(), StandardCharsets.UTF_8);
                assertEquals(429, locked.statusCode(), body);
                assertTrue(body.contains("locked") && body.contains(device.deviceId()), body);
                assertNotNull(locked.headers().firstValue("Retry-After").orElse(null));
            }
            assertTrue(lockoutAudited(device.deviceId()), "the lockout is an audit event naming the device");

            // The admin's new code ends the lockout.
            String renewed = code(device.deviceId());
            assertEquals(200, enroll(exempt, basic(device.deviceId(), renewed), csr).statusCode());
        }
    }

    private static byte[] echoOf(BasicOCSPResp answer) {
        Extension echo = answer.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        return echo == null ? null : DEROctetString.getInstance(echo.getExtnValue().getOctets()).getOctets();
    }

    private static HttpResponse<byte[]> enroll(FromAddress from, String authorization, String csrBase64) throws Exception {
        return from.send(HttpRequest.newBuilder(FromAddress.estUri("simpleenroll")).header("Authorization", authorization)
                .header("Content-Type", "application/pkcs10").header("Content-Transfer-Encoding", "base64")
                .POST(HttpRequest.BodyPublishers.ofString(csrBase64)));
    }

    private static String basic(String deviceId, String code) {
        return "Basic " + Base64.getEncoder().encodeToString((deviceId + ":" + code).getBytes(StandardCharsets.UTF_8));
    }

    private static String csrFor(String deviceId) throws Exception {
        return Base64.getEncoder().encodeToString(TestCsrs.csr(TestCsrs.ecP256(), "CN=" + deviceId).getEncoded());
    }

    private static String code(String deviceId) {
        return given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("profile", "operational", "expiresAt", Instant.now().plus(1, ChronoUnit.DAYS).toString()))
                .when().post("/api/v1/devices/" + deviceId + "/enrollment-codes").then().statusCode(201).extract().path("code");
    }

    private static X509Certificate root() throws Exception {
        byte[] der = given().when().get("/api/v1/cas/dev-root/certificate").then().statusCode(200).extract().asByteArray();
        return new JcaX509CertificateConverter().getCertificate(new X509CertificateHolder(der));
    }

    private static boolean lockoutAudited(String deviceId) {
        List<Map<String, Object>> events = given().header("Authorization", TestTokens.auditor()).queryParam("size", "500")
                .when().get("/api/v1/audit").then().statusCode(200).extract().path("items");
        return events.stream().anyMatch(e -> "credential.locked".equals(e.get("action"))
                && ("device:" + deviceId).equals(e.get("target")) && "anonymous".equals(e.get("actor")));
    }
}
