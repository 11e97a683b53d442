package io.fleetca.testing;

import static io.restassured.RestAssured.given;

import io.fleetca.enrollment.EnrollmentTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.math.BigInteger;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;

/** Enrolled devices and admin calls shared by the revocation, CRL and OCSP tests. */
public final class Fixtures {
    private Fixtures() {}

    /** A certificate as a device holds it, with its chain (issuing CA first). */
    public record Enrolled(String deviceId, String serial, KeyPair key, X509CertificateHolder certificate,
                    List<X509CertificateHolder> chain, String certificatePem, String chainPem) {
        public BigInteger serialNumber() { return new BigInteger(serial, 16); }

        public X509CertificateHolder issuer() { return chain.get(0); }
    }

    public static Enrolled enroll(TestStation station, String deviceId) {
        return enroll(station, deviceId, TestCsrs.ecP256());
    }

    public static Enrolled enroll(TestStation station, String deviceId, KeyPair key) {
        Response r = EnrollmentTest.enroll(station, deviceId, "operational", TestCsrs.pemFor(key));
        r.then().statusCode(201);
        try {
            String pem = r.path("certificate");
            String chain = r.path("chain");
            return new Enrolled(deviceId, r.path("serial"), key, EnrollmentTest.parseChain(pem).get(0),
                    EnrollmentTest.parseChain(chain), pem, chain);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static Response revoke(String serial, Map<String, Object> body) {
        return given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/certificates/" + serial + "/revoke");
    }

    public static Response revoke(String serial, String reason) {
        return revoke(serial, Map.of("reason", reason));
    }

    public static Response admin(String path, Object body) {
        return given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON).body(body)
                .when().post(path);
    }

    /**
     * A station enrollment with this Authorization header is refused 401 (unauthorized) with a detail naming
     * {@code detailPart}, and nothing is stored for the device.
     */
    public static void enrollmentRefused(String authorization, String deviceId, String detailPart) {
        given().header("Authorization", authorization).contentType(ContentType.JSON)
                .body(Map.of("profile", "operational", "csr", TestCsrs.pemFor(TestCsrs.ecP256())))
                .when().post("/api/v1/devices/" + deviceId + "/certificates")
                .then().statusCode(401).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.equalTo("https://fleetca.io/problems/unauthorized"))
                .body("detail", org.hamcrest.Matchers.containsString(detailPart));
        assertNoDevice(deviceId);
    }

    /** No device of this id exists: a refused enrollment stored nothing. */
    public static void assertNoDevice(String deviceId) {
        given().header("Authorization", TestTokens.admin()).when().get("/api/v1/devices/" + deviceId).then().statusCode(404);
    }
}
