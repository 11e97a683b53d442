package io.fleetca.est;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.ocsp.OcspTest;
import io.fleetca.ra.EnrollmentResult;
import io.fleetca.ra.ServiceCertificates;
import io.fleetca.testing.EstJvmProfile;
import io.fleetca.testing.EstSockets;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The generated EST server certificate is renewed while the server runs (here it lives 30 s and is
 * renewed with 15 s left): a new TLS handshake sees a new certificate without a restart, and the
 * superseded ones of this instance are revoked (superseded) in the ledger and in OCSP, including one
 * left by an earlier run of the instance; another instance's certificate is left alone.
 */
@QuarkusTest
@TestProfile(EstJvmProfile.class)
@Tag("est-jvm")
class EstServerCertificateRenewalTest {

    @Inject
    ServiceCertificates serviceCertificates;

    @Test
    void renewedWhileRunningAndTheSupersededOnesAreRevoked() throws Exception {
        X509Certificate root = EstTest.root();
        X509Certificate[] first = served(root);
        String firstSerial = first[0].getSerialNumber().toString(16);
        X509CertificateHolder issuer = new X509CertificateHolder(first[1].getEncoded());

        // What an earlier run of this instance left behind (its key died with it), and another instance's.
        String earlier = plant(EstJvmProfile.INSTANCE);
        String otherInstance = plant("another-instance");

        X509Certificate[] next = first;
        long giveUp = System.currentTimeMillis() + 120_000;
        while (next[0].getSerialNumber().equals(first[0].getSerialNumber()) && System.currentTimeMillis() < giveUp) {
            // Handshakes in quick succession: none may fail while the key material is swapped.
            Thread.sleep(50);
            next = served(root);
        }
        assertNotEquals(first[0].getSerialNumber(), next[0].getSerialNumber(), "a new certificate without a restart");
        assertTrue(next[0].getNotAfter().after(first[0].getNotAfter()));
        assertNotEquals(first[0].getPublicKey(), next[0].getPublicKey(), "a fresh key");

        awaitStatus(firstSerial, "REVOKED");
        awaitStatus(earlier, "REVOKED");
        certificate(firstSerial).then().body("revocationReason", org.hamcrest.Matchers.equalTo("superseded"));
        certificate(earlier).then().body("revocationReason", org.hamcrest.Matchers.equalTo("superseded"));
        certificate(otherInstance).then().body("status", org.hamcrest.Matchers.equalTo("ISSUED"));

        SingleResp ocsp = OcspTest.verified(OcspTest.post(OcspTest.request(null,
                OcspTest.certId(issuer, first[0].getSerialNumber(), CertificateID.HASH_SHA1))), issuer).getResponses()[0];
        RevokedStatus status = assertInstanceOf(RevokedStatus.class, ocsp.getCertStatus());
        assertEquals(CRLReason.superseded, status.getRevocationReason());

        // The reloaded server still asks for client certificates (RFC 7030 §3.3.2): a station enrolls with its own.
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
        Fixtures.Enrolled stationCert = EstTest.stationCertificate(TestStation.register(), TestCsrs.ecP256());
        String device = TestStation.newDeviceId();
        org.bouncycastle.est.EnrollmentResponse enrolled = EstTest.estWithClientCertificate(stationCert).simpleEnroll(false,
                TestCsrs.csr(TestCsrs.ecP256(), "SERIALNUMBER=" + device + ",CN=sensor"), null);
        assertTrue(enrolled.isCompleted());

        // Every revocation went through the revocation service: an audit event each.
        List<String> revokedEvents = given().header("Authorization", TestTokens.auditor()).queryParam("size", "200")
                .when().get("/api/v1/audit").then().statusCode(200).extract()
                .path("items.findAll { it.action == 'certificate.revoked' }.target");
        assertTrue(revokedEvents.contains("certificate:" + firstSerial), revokedEvents.toString());
        assertTrue(revokedEvents.contains("certificate:" + earlier), revokedEvents.toString());
    }

    /** The chain a fresh TLS handshake presents (it verifies against the root). */
    private static X509Certificate[] served(X509Certificate root) throws Exception {
        try (SSLSocket socket = EstSockets.connect(root)) {
            return (X509Certificate[]) socket.getSession().getPeerCertificates();
        }
    }

    private String plant(String instance) {
        EnrollmentResult r = serviceCertificates.tlsServer(SubjectPublicKeyInfo.getInstance(
                TestCsrs.ecP256().getPublic().getEncoded()), List.of("localhost"), Duration.ofHours(1), instance);
        return r.certificate().getSerialNumber().toString(16);
    }

    private static io.restassured.response.Response certificate(String serial) {
        return given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + serial);
    }

    private static void awaitStatus(String serial, String status) throws InterruptedException {
        long giveUp = System.currentTimeMillis() + 60_000;
        String seen;
        while (!(seen = certificate(serial).then().statusCode(200).extract().<String>path("status")).equals(status)
                && System.currentTimeMillis() < giveUp) {
            Thread.sleep(500);
        }
        assertEquals(status, seen, "certificate " + serial);
    }
}
