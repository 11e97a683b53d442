package io.fleetca.est;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.EstJvmProfile;
import io.fleetca.testing.EstSockets;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A caller whose credential did not verify is not audited under the name it chose: Basic guesses for a
 * real device id and garbage Bearer tokens (over real TLS) become one anonymous, counted event per source
 * and reason, after the flush (every second here); a verified station refused for policy is audited
 * under its own identity. REST refuses unverified tokens the same way.
 */
@QuarkusTest
@TestProfile(EstJvmProfile.class)
@Tag("est-jvm")
class EstUnverifiedRefusalTest {

    @Test
    void unverifiedCallersAreCountedAnonymouslyNeverUnderTheClaimedName() throws Exception {
        X509Certificate root = EstTest.root();
        TestStation station = TestStation.register(List.of("operational"), "victim-.*", 100);
        String victim = "victim-" + TestStation.newDeviceId();
        Fixtures.enroll(station, victim);
        String csr = Base64.getEncoder().encodeToString(TestCsrs.csr(TestCsrs.ecP256(), "CN=" + victim).getEncoded());
        long before = anonymousCount("est:127.0.0.1", "unauthorized");

        for (String guess : List.of("000000", "123456", "letmein")) {
            String basic = "Basic " + Base64.getEncoder().encodeToString((victim + ":" + guess).getBytes(StandardCharsets.UTF_8));
            assertTrue(enroll(root, basic, csr).startsWith("HTTP/1.1 401"));
        }
        assertTrue(enroll(root, "Bearer not.a.token", csr).startsWith("HTTP/1.1 401"));

        // A verified station out of its scope is refused for policy and audited as itself.
        String outOfScope = "elsewhere-" + TestStation.newDeviceId();
        assertTrue(enroll(root, station.token(outOfScope), csr).startsWith("HTTP/1.1 403"));

        // REST: a garbage token is refused and counted the same way.
        given().header("Authorization", "Bearer garbage").when().get("/api/v1/audit").then().statusCode(401);

        long giveUp = System.currentTimeMillis() + 30_000;
        while ((anonymousCount("est:127.0.0.1", "unauthorized") - before < 4 || anonymousCount("api:127.0.0.1", "unauthorized") < 1)
                && System.currentTimeMillis() < giveUp) {
            Thread.sleep(500);
        }
        assertEquals(4, anonymousCount("est:127.0.0.1", "unauthorized") - before, "three Basic guesses and one Bearer, counted");
        assertTrue(anonymousCount("api:127.0.0.1", "unauthorized") >= 1, "the REST refusal, counted");

        List<Map<String, Object>> events = events();
        for (Map<String, Object> e : events) {
            if ("request.refused".equals(e.get("action"))) {
                assertFalse(String.valueOf(e.get("actor")).contains(victim), "no refusal under the claimed device id: " + e);
                assertFalse(String.valueOf(e.get("target")).contains(victim), e.toString());
                assertFalse(String.valueOf(e.get("details")).contains(victim), e.toString());
            }
        }
        assertTrue(events.stream().anyMatch(e -> "request.refused".equals(e.get("action"))
                && ("station:" + station.id).equals(e.get("actor"))
                && String.valueOf(e.get("details")).contains("out-of-scope")), "the verified station's policy refusal");
    }

    /** POST simpleenroll over a fresh TLS connection; the status line and the rest of the answer. */
    private static String enroll(X509Certificate root, String authorization, String csrBase64) throws Exception {
        try (SSLSocket socket = EstSockets.connect(root)) {
            byte[] body = csrBase64.getBytes(StandardCharsets.US_ASCII);
            EstSockets.send(socket, "POST /.well-known/est/simpleenroll HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Authorization: " + authorization + "\r\nContent-Type: application/pkcs10\r\n"
                    + "Content-Transfer-Encoding: base64\r\nContent-Length: " + body.length + "\r\n\r\n" + csrBase64);
            String answer = EstSockets.readUntilClosed(socket, 20_000);
            return answer == null ? "" : answer;
        }
    }

    private static List<Map<String, Object>> events() {
        return given().header("Authorization", TestTokens.auditor()).queryParam("size", "500").when().get("/api/v1/audit")
                .then().statusCode(200).extract().path("items");
    }

    /** The sum of the counts of anonymous refusal events for this target and reason. */
    private static long anonymousCount(String target, String reason) {
        long sum = 0;
        for (Map<String, Object> e : events()) {
            if ("anonymous".equals(e.get("actor")) && "request.refused".equals(e.get("action")) && target.equals(e.get("target"))) {
                Map<String, Object> details = io.restassured.path.json.JsonPath.from(String.valueOf(e.get("details"))).getMap("");
                if (reason.equals(details.get("reason"))) {
                    sum += Long.parseLong(String.valueOf(details.get("count")));
                }
            }
        }
        return sum;
    }
}
