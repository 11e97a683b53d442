package io.fleetca.ocsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Delegated responder certificates are replaced before they run out, without anyone asking:
 * here they live 20 s and are renewed with 10 s left (the margin is capped at half the validity).
 */
@QuarkusTest
@TestProfile(io.fleetca.testing.OwnJvmProfile.class)
@Tag("own-jvm") // a second application start in one JVM cannot reload the SoftHSM2 token (see pom.xml)
class OcspResponderRenewalTest {

    @Test
    void responderCertificateIsRenewedBeforeItExpires() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        X509CertificateHolder first = responderOf(cert);
        X509CertificateHolder again = responderOf(cert);
        assertEquals(first.getSerialNumber(), again.getSerialNumber(), "a current responder is reused");

        // Past half of its 20 s: the next answer comes from a successor, while the first is still valid.
        long renewAt = first.getNotAfter().getTime() - 10_000;
        Thread.sleep(Math.max(0, renewAt - System.currentTimeMillis()) + 500);
        assertTrue(System.currentTimeMillis() < first.getNotAfter().getTime(), "the test must run before expiry");
        X509CertificateHolder second = responderOf(cert);
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());
        assertTrue(second.getNotAfter().after(first.getNotAfter()));
    }

    private static X509CertificateHolder responderOf(Fixtures.Enrolled cert) throws Exception {
        BasicOCSPResp r = OcspTest.verified(OcspTest.post(OcspTest.request(null,
                OcspTest.certId(cert.issuer(), cert.serialNumber(), CertificateID.HASH_SHA1))), cert.issuer());
        return r.getCerts()[0];
    }
}
