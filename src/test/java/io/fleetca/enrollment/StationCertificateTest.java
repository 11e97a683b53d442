package io.fleetca.enrollment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.est.EstTest;
import io.fleetca.revocation.KeyCompromiseTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.FleetCaTestResource;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Station TLS client certificates (POST /api/v1/stations/{id}/certificates, issue 9 item 5): counted
 * against the station's rate, superseding the station's earlier certificate, and bound in the key-reuse
 * ledger like device keys.
 */
@QuarkusTest
class StationCertificateTest {

    static final String P = "https://fleetca.io/problems/";

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    @BeforeAll
    static void bouncyCastle() {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    static Response request(TestStation station, String csr) {
        return given().header("Authorization", station.token(station.id)).contentType(ContentType.JSON)
                .body(Map.of("csr", csr)).when().post("/api/v1/stations/" + station.id + "/certificates");
    }

    @Test
    void aNewStationCertificateSupersedesTheEarlierOne() throws Exception {
        TestStation station = TestStation.register();
        Fixtures.Enrolled first = EstTest.stationCertificate(station, TestCsrs.ecP256());
        Fixtures.Enrolled second = EstTest.stationCertificate(station, TestCsrs.ecP256());

        // fleetca.enrollment.superseded-grace is PT0S here: the earlier one is revoked with the new one's issuance.
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + first.serial())
                .then().statusCode(200).body("status", equalTo("REVOKED")).body("revocationReason", equalTo("superseded"));
        RevokedStatus status = assertInstanceOf(RevokedStatus.class,
                KeyCompromiseTest.ocsp(first.issuer(), first.serial()).getCertStatus());
        assertEquals(CRLReason.superseded, status.getRevocationReason());
        assertNull(KeyCompromiseTest.ocsp(second.issuer(), second.serial()).getCertStatus(), "the new one is good");

        // The superseded certificate no longer authorizes EST enrollment; the new one does.
        ESTException refused = assertThrows(ESTException.class, () -> EstTest.estWithClientCertificate(first)
                .simpleEnroll(false, TestCsrs.csr(TestCsrs.ecP256(), "CN=" + TestStation.newDeviceId()), null));
        assertEquals(403, refused.getStatusCode());
        EstTest.estWithClientCertificate(second)
                .simpleEnroll(false, TestCsrs.csr(TestCsrs.ecP256(), "CN=" + TestStation.newDeviceId()), null);
        given().header("Authorization", TestTokens.auditor()).queryParam("size", 200).when().get("/api/v1/audit")
                .then().statusCode(200).body("items.findAll { it.action == 'certificate.revoked' }.target",
                        org.hamcrest.Matchers.hasItem("certificate:" + first.serial()));
    }

    @Test
    void stationCertificatesCountAgainstTheStationsHourlyRate() {
        TestStation station = TestStation.register(List.of("operational"), "dev-[0-9a-f-]+", 2);
        // Refusals use no unit.
        request(station, "garbage").then().statusCode(400);
        Fixtures.Enrolled device = Fixtures.enroll(station, TestStation.newDeviceId());
        request(station, TestCsrs.pemFor(device.key())).then().statusCode(409).body("type", equalTo(P + "key-reuse"));

        request(station, TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(201);
        request(station, TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(429)
                .contentType("application/problem+json").header("Retry-After", notNullValue())
                .body("type", equalTo(P + "rate-limited")).body("detail", containsString("2 enrollments for this hour"));
        // One budget for enrollments and station certificates.
        EnrollmentTest.enroll(station, TestStation.newDeviceId(), "operational", TestCsrs.pemFor(TestCsrs.ecP256()))
                .then().statusCode(429);
    }

    @Test
    void stationKeysAreNeverCertifiedForADeviceNorAnotherStation() {
        TestStation station = TestStation.register();
        TestStation other = TestStation.register();
        KeyPair key = TestCsrs.ecP256();
        request(station, TestCsrs.pemFor(key)).then().statusCode(201);

        EnrollmentTest.enroll(station, TestStation.newDeviceId(), "operational", TestCsrs.pemFor(key))
                .then().statusCode(409).contentType("application/problem+json").body("type", equalTo(P + "key-reuse"))
                .body("detail", containsString("provisioning station"));
        EnrollmentTest.enroll(other, TestStation.newDeviceId(), "idevid", TestCsrs.pemFor(key))
                .then().statusCode(409).body("type", equalTo(P + "key-reuse"));
        request(other, TestCsrs.pemFor(key)).then().statusCode(409).body("type", equalTo(P + "key-reuse"));
        // The station itself may certify its key again (a renewal with the same key).
        request(station, TestCsrs.pemFor(key)).then().statusCode(201);
    }

    /** FleetCA's own EST server key is in the key-reuse ledger too, as a service key. */
    @Test
    void theEstServerKeyIsBoundAsAServiceKey() throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        X509Certificate[] seen = new X509Certificate[1];
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain[0]; // only read, never trusted for anything
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", FleetCaTestResource.EST_PORT)) {
            s.startHandshake();
        }
        String spki = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(seen[0].getPublicKey().getEncoded()));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT owner_kind, device_id FROM device_key WHERE spki_sha256 = ?")) {
            ps.setString(1, spki);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "the EST server key is in the key-reuse ledger");
                assertEquals("SERVICE", rs.getString(1));
                assertNull(rs.getString(2));
            }
        }
    }
}
