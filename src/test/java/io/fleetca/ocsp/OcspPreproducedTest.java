package io.fleetca.ocsp;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.revocation.FullChainRevocationTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * OCSP answers repeat the requester's exact CertID (RFC 6960 §4.2.2.3), and responses pre-produced at a key
 * ceremony (§2.5) are served as stored, signed by the CA itself, only while the ledger state they were made
 * for holds.
 */
@QuarkusTest
class OcspPreproducedTest {

    static final AlgorithmIdentifier SHA1_NULL = new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1, DERNull.INSTANCE);
    static final AlgorithmIdentifier SHA1_ABSENT = new AlgorithmIdentifier(OIWObjectIdentifiers.idSHA1);
    static final AlgorithmIdentifier SHA256_ABSENT = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256);

    @Test
    void theAnswerRepeatsTheRequestersExactCertId() throws Exception {
        Fixtures.Enrolled device = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        // The same certificate asked about with SHA-1 parameters NULL, then absent: two encodings of one CertID.
        for (AlgorithmIdentifier hash : new AlgorithmIdentifier[] {SHA1_NULL, SHA1_ABSENT, SHA1_NULL, SHA1_ABSENT}) {
            CertificateID id = OcspTest.certId(device.issuer(), device.serialNumber(), hash);
            BasicOCSPResp basic = (BasicOCSPResp) OcspTest.post(OcspTest.request(null, id)).getResponseObject();
            assertArrayEquals(der(id), der(basic.getResponses()[0].getCertID()), "CertID of " + hash.getParameters());
        }
    }

    @Test
    void preProducedRootResponsesAreServedAsStoredUntilTheStateChanges() throws Exception {
        Fixtures.admin("/api/v1/cas", Map.of("id", "pp-root", "subject", "CN=PP Root " + UUID.randomUUID())).then()
                .statusCode(201);
        Fixtures.admin("/api/v1/cas", Map.of("id", "pp-issuing", "subject", "CN=PP Issuing", "parentId", "pp-root"))
                .then().statusCode(201);
        X509CertificateHolder root = FullChainRevocationTest.caCertificate("pp-root");
        BigInteger issuing = FullChainRevocationTest.caCertificate("pp-issuing").getSerialNumber();

        Fixtures.admin("/api/v1/cas/pp-root/ocsp-responses", Map.of("validityDays", 30)).then().statusCode(200)
                .body("certificates", equalTo(1)).body("responses", equalTo(4));

        for (AlgorithmIdentifier hash : new AlgorithmIdentifier[] {SHA1_NULL, SHA1_ABSENT, SHA256_ABSENT}) {
            CertificateID id = OcspTest.certId(root, issuing, hash);
            byte[] first = OcspTest.post(OcspTest.request(null, id)).getEncoded();
            Thread.sleep(1100); // a freshly signed answer would carry a later producedAt
            byte[] second = OcspTest.post(OcspTest.request(null, id)).getEncoded();
            assertArrayEquals(first, second, "served as stored");
            BasicOCSPResp basic = (BasicOCSPResp) new OCSPResp(first).getResponseObject();
            assertArrayEquals(der(id), der(basic.getResponses()[0].getCertID()));
            // Signed by the root's own key (RFC 6960 §4.2.2.2), which outlives any delegated responder.
            assertEquals(new RespID(root.getSubjectPublicKeyInfo(), new BcDigestCalculatorProvider().get(RespID.HASH_SHA1)),
                    basic.getResponderId());
            assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(root)));
            Duration validity = Duration.between(basic.getResponses()[0].getThisUpdate().toInstant(),
                    basic.getResponses()[0].getNextUpdate().toInstant());
            assertEquals(Duration.ofDays(30), validity);
        }

        // A change of state makes the stored "good" stale: the answer is signed afresh, and says revoked.
        Fixtures.admin("/api/v1/cas/pp-issuing/revoke", Map.of("reason", "superseded")).then().statusCode(200);
        BasicOCSPResp after = (BasicOCSPResp) OcspTest.post(OcspTest.request(null, OcspTest.certId(root, issuing, SHA1_NULL)))
                .getResponseObject();
        assertInstanceOf(RevokedStatus.class, after.getResponses()[0].getCertStatus());
        assertNotEquals(new RespID(root.getSubjectPublicKeyInfo(), new BcDigestCalculatorProvider().get(RespID.HASH_SHA1)),
                after.getResponderId(), "signed by the delegated responder");
        assertFalse(Duration.between(after.getResponses()[0].getThisUpdate().toInstant(),
                after.getResponses()[0].getNextUpdate().toInstant()).compareTo(Duration.ofDays(1)) > 0);
    }

    @Test
    void preProductionRefusals() {
        Fixtures.admin("/api/v1/cas/dev-root/ocsp-responses", Map.of("validityDays", 367)).then().statusCode(400);
        Fixtures.admin("/api/v1/cas/no-such-ca/ocsp-responses", Map.of()).then().statusCode(404);
        io.restassured.RestAssured.given().when().post("/api/v1/cas/dev-root/ocsp-responses").then().statusCode(401);
        io.restassured.RestAssured.given().header("Authorization", io.fleetca.testing.TestTokens.auditor()).when()
                .post("/api/v1/cas/dev-root/ocsp-responses").then().statusCode(403);
    }

    private static byte[] der(CertificateID id) throws Exception {
        return id.toASN1Primitive().getEncoded(ASN1Encoding.DER);
    }
}
