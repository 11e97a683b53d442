package io.fleetca.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** CRL changes are tracked per CA (issue 9): a revocation under one CA leaves other CAs' CRLs as they are. */
@QuarkusTest
class CrlPerCaTest {

    static final String ROOT = "/crl/dev-root.crl";

    @Test
    void aRevocationUnderTheIssuingCaDoesNotRepublishTheRootsCrl() throws Exception {
        TestStation station = TestStation.register();
        BigInteger root = CrlTest.number(CrlTest.fetch(ROOT));

        // Two revocations, each awaited on the issuing CA's CRL: the publisher pass that published the first
        // (and looked at every CA after it) has ended before the one that publishes the second.
        for (int i = 0; i < 2; i++) {
            Fixtures.Enrolled cert = Fixtures.enroll(station, TestStation.newDeviceId());
            Fixtures.revoke(cert.serial(), "keyCompromise").then().statusCode(200);
            CrlTest.await(CrlTest.FULL, c -> c.getRevokedCertificate(cert.serialNumber()) != null);
        }

        assertEquals(root, CrlTest.number(CrlTest.fetch(ROOT)), "the root's CRL number did not move");
    }
}
