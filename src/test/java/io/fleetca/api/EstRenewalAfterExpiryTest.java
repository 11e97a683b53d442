package io.fleetca.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fleetca.testing.OwnJvmProfile;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
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

/** With fleetca.enrollment.renewal-after-expiry = 7 days, an expired certificate may still re-enroll, but not an older one. */
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
