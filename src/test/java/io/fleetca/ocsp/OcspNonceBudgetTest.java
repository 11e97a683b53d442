package io.fleetca.ocsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The signing budget (fleetca.ocsp.nonce-signatures-per-second = 1 in OwnJvmProfile): a burst of nonce
 * requests beyond it gets valid, signed answers without the nonce (RFC 8954 §2.1); several CertIDs get
 * tryLater (RFC 6960 §2.3).
 */
@QuarkusTest
@TestProfile(io.fleetca.testing.OwnJvmProfile.class)
@Tag("own-jvm") // a second application start in one JVM cannot reload the SoftHSM2 token (see pom.xml)
class OcspNonceBudgetTest {

    private static final int MOST = 200;

    @Inject
    MeterRegistry meters;

    private double exceeded(String answer) {
        return meters.counter("fleetca.ocsp.budget.exceeded", "answer", answer).count();
    }

    @Test
    void nonceRequestsPastTheBudgetGetTheCachedAnswerWithoutTheNonce() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        X509CertificateHolder ca = cert.issuer();
        double before = exceeded("without_nonce");
        int echoed = 0;
        int ignored = 0;
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < MOST && (echoed == 0 || ignored == 0); i++) {
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            BasicOCSPResp r = OcspTest.verified(OcspTest.post(OcspTest.request(nonce,
                    OcspTest.certId(ca, cert.serialNumber(), CertificateID.HASH_SHA1))), ca);
            assertNull(r.getResponses()[0].getCertStatus(), "good, signed and valid either way");
            Extension echo = r.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
            if (echo == null) {
                ignored++;
            } else {
                assertArrayEquals(nonce, DEROctetString.getInstance(echo.getExtnValue().getOctets()).getOctets());
                echoed++;
            }
        }
        assertTrue(echoed > 0, "within the budget the nonce is echoed");
        assertTrue(ignored > 0, "past the budget the nonce is ignored");
        assertEquals(before + ignored, exceeded("without_nonce"));
    }

    @Test
    void severalCertificatesPastTheBudgetGetTryLater() throws Exception {
        TestStation station = TestStation.register();
        Fixtures.Enrolled a = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.Enrolled b = Fixtures.enroll(station, TestStation.newDeviceId());
        X509CertificateHolder ca = a.issuer();
        byte[] request = OcspTest.request(null, OcspTest.certId(ca, a.serialNumber(), CertificateID.HASH_SHA1),
                OcspTest.certId(ca, b.serialNumber(), CertificateID.HASH_SHA1));
        double before = exceeded("try_later");
        int later = 0;
        for (int i = 0; i < MOST && later == 0; i++) {
            OCSPResp r = OcspTest.post(request);
            if (r.getStatus() == OCSPResp.TRY_LATER) {
                later++;
            } else {
                assertEquals(2, OcspTest.verified(r, ca).getResponses().length);
            }
        }
        assertEquals(1, later, "past the budget: tryLater");
        assertEquals(before + 1, exceeded("try_later"));
    }
}
