package io.fleetca.est;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.OwnJvmProfile;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.security.Security;
import javax.sql.DataSource;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With fleetca.enrollment.renewal-after-expiry = 7 days an expired certificate may still re-enroll, but not
 * an older one; with fleetca.enrollment.superseded-grace = 2 s the predecessor is revoked after the grace.
 */
@QuarkusTest
@TestProfile(OwnJvmProfile.class)
@Tag("own-jvm")
class EstRenewalAfterExpiryTest {

    @Inject
    DataSource dataSource;

    @Test
    void expiredCertificatesReEnrollInsideTheWindowOnly() throws Exception {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
        TestStation station = TestStation.register();
        Fixtures.Enrolled recent = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.Enrolled old = Fixtures.enroll(station, TestStation.newDeviceId());
        // The ledger's notAfter decides (the TLS layer accepts any client certificate): 2 and 10 days ago.
        expire(recent.serial(), 2);
        expire(old.serial(), 10);

        X509CertificateHolder renewed = ESTService.storeToArray(EstTest.estWithClientCertificate(recent)
                .simpleEnroll(true, TestCsrs.csr(recent.key(), "CN=" + recent.deviceId()), null).getStore())[0];
        assertEquals(recent.certificate().getSubject(), renewed.getSubject());

        // Superseded with a 2 s grace: still valid at first, refused as a credential, revoked once the grace ends.
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + recent.serial())
                .then().body("status", equalTo("ISSUED"));
        ESTException twice = assertThrows(ESTException.class, () -> EstTest.estWithClientCertificate(recent)
                .simpleEnroll(true, TestCsrs.csr(recent.key(), "CN=" + recent.deviceId()), null));
        assertEquals(403, twice.getStatusCode());
        long deadline = System.currentTimeMillis() + 20_000;
        String status;
        do {
            Thread.sleep(250);
            status = given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + recent.serial())
                    .then().extract().path("status");
        } while (!"REVOKED".equals(status) && System.currentTimeMillis() < deadline);
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + recent.serial())
                .then().body("status", equalTo("REVOKED")).body("revocationReason", equalTo("superseded"));
        ESTException tooOld = assertThrows(ESTException.class, () -> EstTest.estWithClientCertificate(old)
                .simpleEnroll(true, TestCsrs.csr(old.key(), "CN=" + old.deviceId()), null));
        assertEquals(403, tooOld.getStatusCode());
    }

    private void expire(String serial, int daysAgo) throws Exception {
        try (var c = dataSource.getConnection();
             var s = c.prepareStatement("UPDATE certificate SET not_after = now() - make_interval(days => ?) WHERE serial = ?")) {
            s.setInt(1, daysAgo);
            s.setString(2, serial);
            assertEquals(1, s.executeUpdate());
        }
    }
}
