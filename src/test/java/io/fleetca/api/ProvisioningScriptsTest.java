package io.fleetca.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README walk-through, run for real: a station key from make-station-key.sh, registered by
 * an admin, and enroll-device.sh (openssl + curl only) enrolling a device against this FleetCA.
 */
@QuarkusTest
class ProvisioningScriptsTest {

    @TestHTTPResource("/")
    URL baseUrl;

    @Test
    void stationScriptsEnrollADevice() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "walkthrough-");
        Path scripts = Path.of("provisioning-scripts").toAbsolutePath();
        String jwk = run(work, scripts.resolve("make-station-key.sh").toString(), "station.key");
        String stationId = given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", work.getFileName().toString(), "publicKey", jwk, "profiles", List.of("idevid"),
                        "deviceIdPattern", "sensor-[0-9]+", "maxEnrollmentsPerHour", 10))
                .when().post("/api/v1/stations").then().statusCode(201).extract().path("id");

        String url = baseUrl.toString().replaceAll("/$", "");
        run(work, scripts.resolve("enroll-device.sh").toString(), url, stationId, "station.key", "sensor-0001");
        Path chain = work.resolve("sensor-0001").resolve("chain.pem");
        assertTrue(Files.readString(chain).contains("BEGIN CERTIFICATE"));
        // A retry with the same device key gets the same certificate back (200), and the script accepts it.
        run(work, scripts.resolve("enroll-device.sh").toString(), url, stationId, "station.key", "sensor-0001");
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + " failed: " + out);
        return out;
    }
}
