package io.fleetca.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.revocation.CrlTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigInteger;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jose4j.jwk.JsonWebKeySet;
import org.junit.jupiter.api.Test;

/**
 * The README walk-through, run for real against this FleetCA: an admin key and token from
 * make-admin-jwks.sh and admin-token.sh, a station key from make-station-key.sh, and
 * enroll-device.sh (openssl + curl only) enrolling a device.
 */
@QuarkusTest
class ProvisioningScriptsTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Test
    void stationScriptsEnrollADevice() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "walkthrough-");
        Path scripts = Path.of("provisioning-scripts").toAbsolutePath();
        // The admin key joins the JWKS FleetCA trusts (the file is re-read when it changes).
        run(work, scripts.resolve("make-admin-jwks.sh").toString(), "admin.key", "admin-jwks.json");
        JsonWebKeySet trusted = new JsonWebKeySet(Files.readString(TestTokens.ADMIN_JWKS));
        new JsonWebKeySet(Files.readString(work.resolve("admin-jwks.json"))).getJsonWebKeys().forEach(trusted::addJsonWebKey);
        Files.writeString(TestTokens.ADMIN_JWKS, trusted.toJson());
        String admin = "Bearer " + run(work, scripts.resolve("admin-token.sh").toString(), "admin.key", "admin").strip();
        String auditor = "Bearer " + run(work, scripts.resolve("admin-token.sh").toString(), "admin.key", "auditor").strip();
        given().header("Authorization", auditor).when().get("/api/v1/stations").then().statusCode(200);
        given().header("Authorization", auditor).when().post("/api/v1/stations/x/disable").then().statusCode(403);

        String jwk = run(work, scripts.resolve("make-station-key.sh").toString(), "station.key");
        String stationId = given().header("Authorization", admin).contentType(ContentType.JSON)
                .body(Map.of("name", work.getFileName().toString(), "publicKey", jwk, "profiles", List.of("idevid"),
                        "deviceIdPattern", "sensor-[0-9]+", "maxEnrollmentsPerHour", 10, "requireKeyBinding", true))
                .when().post("/api/v1/stations").then().statusCode(201).extract().path("id");

        String url = baseUrl.toString().replaceAll("/$", "");
        run(work, scripts.resolve("enroll-device.sh").toString(), url, stationId, "station.key", "sensor-0001");
        Path chain = work.resolve("sensor-0001").resolve("chain.pem");
        assertTrue(Files.readString(chain).contains("BEGIN CERTIFICATE"));
        // The station requires key-bound tokens: the script's csr_spki_sha256 matched the device key.
        // A retry with the same device key gets the same certificate back (200), and the script accepts it.
        run(work, scripts.resolve("enroll-device.sh").toString(), url, stationId, "station.key", "sensor-0001");
    }

    /** A broker's CRL refresh: fetched, verified against the CA, written as PEM, reload run once per change. */
    @Test
    void fetchCrlKeepsABrokersCrlFileCurrent() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "fetch-crl-");
        Path script = Path.of("provisioning-scripts", "fetch-crl.sh").toAbsolutePath();
        byte[] caDer = given().when().get("/api/v1/cas/dev-issuing/certificate").then().statusCode(200).extract().asByteArray();
        Files.write(work.resolve("ca.der"), caDer);
        run(work, "openssl", "x509", "-inform", "DER", "-in", "ca.der", "-out", "ca.pem");
        String url = baseUrl.toString().replaceAll("/$", "") + "/crl/dev-issuing.crl";

        run(work, script.toString(), url, "ca.pem", "crl.pem", "touch", "reloaded");
        assertTrue(Files.readString(work.resolve("crl.pem")).contains("BEGIN X509 CRL"));
        assertTrue(Files.exists(work.resolve("reloaded")));
        // An unchanged CRL does not reload the broker. (A revocation by an earlier test may still be
        // publishing, so allow the CRL to change a few times before it settles.)
        boolean reloadedEveryTime = true;
        for (int attempt = 0; attempt < 5 && reloadedEveryTime; attempt++) {
            Files.deleteIfExists(work.resolve("reloaded"));
            run(work, script.toString(), url, "ca.pem", "crl.pem", "touch", "reloaded");
            reloadedEveryTime = Files.exists(work.resolve("reloaded"));
        }
        assertFalse(reloadedEveryTime, "an unchanged CRL does not reload the broker");

        // Issued by another CA: refused by name before the signature is even tried, the broker's file stays.
        byte[] rootDer = given().when().get("/api/v1/cas/dev-root/certificate").then().statusCode(200).extract().asByteArray();
        Files.write(work.resolve("root.der"), rootDer);
        run(work, "openssl", "x509", "-inform", "DER", "-in", "root.der", "-out", "root.pem");
        Process p = new ProcessBuilder(script.toString(), url, "root.pem", "crl.pem").directory(work.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("is issued by") && out.contains("not by root.pem"), out);
    }

    /**
     * A replayed older CRL (still inside its validity) would make the broker forget revocations listed
     * since: refused by CRL number (RFC 5280 §5.2.3), the installed file left as it was.
     */
    @Test
    void fetchCrlRefusesAnOlderCrl() throws Exception {
        Path work = crlWork();
        Path script = Path.of("provisioning-scripts", "fetch-crl.sh").toAbsolutePath();
        byte[] older = CrlTest.fetch(CrlTest.FULL).getEncoded();
        Files.write(work.resolve("older.crl"), older);
        BigInteger olderNumber = CrlTest.number(CrlTest.fetch(CrlTest.FULL));

        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        Fixtures.revoke(cert.serial(), "keyCompromise").then().statusCode(200);
        CrlTest.await(CrlTest.FULL, c -> c.getRevokedCertificate(cert.serialNumber()) != null
                && CrlTest.number(c).compareTo(olderNumber) > 0);
        run(work, script.toString(), crlUrl(CrlTest.FULL), "ca.pem", "crl.pem");
        byte[] installed = Files.readAllBytes(work.resolve("crl.pem"));

        Process p = new ProcessBuilder(script.toString(), work.resolve("older.crl").toUri().toString(), "ca.pem", "crl.pem",
                "touch", "reloaded").directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("lower than the installed"), out);
        assertArrayEquals(installed, Files.readAllBytes(work.resolve("crl.pem")), "the installed CRL stays");
        assertFalse(Files.exists(work.resolve("reloaded")), "the broker is not reloaded");
    }

    /** A delta CRL (RFC 5280 §5.2.4) holds only recent changes: installed in place of the complete CRL it loses the rest. */
    @Test
    void fetchCrlRefusesADeltaCrl() throws Exception {
        Path work = crlWork();
        Path script = Path.of("provisioning-scripts", "fetch-crl.sh").toAbsolutePath();
        Process fresh = new ProcessBuilder(script.toString(), crlUrl(CrlTest.DELTA), "ca.pem", "crl.pem")
                .directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(fresh.getInputStream().readAllBytes());
        assertEquals(1, fresh.waitFor(), out);
        assertTrue(out.contains("is a delta CRL"), out);
        assertFalse(Files.exists(work.resolve("crl.pem")), "nothing installed");

        run(work, script.toString(), crlUrl(CrlTest.FULL), "ca.pem", "crl.pem");
        byte[] installed = Files.readAllBytes(work.resolve("crl.pem"));
        Process p = new ProcessBuilder(script.toString(), crlUrl(CrlTest.DELTA), "ca.pem", "crl.pem")
                .directory(work.toFile()).redirectErrorStream(true).start();
        out = new String(p.getInputStream().readAllBytes());
        assertEquals(1, p.waitFor(), out);
        assertTrue(out.contains("is a delta CRL"), out);
        assertArrayEquals(installed, Files.readAllBytes(work.resolve("crl.pem")), "the installed CRL stays");
    }

    /** A work directory holding the issuing CA certificate as ca.pem. */
    private Path crlWork() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "fetch-crl-");
        byte[] caDer = given().when().get("/api/v1/cas/dev-issuing/certificate").then().statusCode(200).extract().asByteArray();
        Files.write(work.resolve("ca.der"), caDer);
        run(work, "openssl", "x509", "-inform", "DER", "-in", "ca.der", "-out", "ca.pem");
        return work;
    }

    private String crlUrl(String path) {
        return baseUrl.toString().replaceAll("/$", "") + path;
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + " failed: " + out);
        return out;
    }
}
