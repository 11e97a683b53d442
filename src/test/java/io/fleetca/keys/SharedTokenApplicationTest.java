package io.fleetca.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.common.SerialNumber;
import io.fleetca.common.Text;
import io.fleetca.registry.CaRecord;
import io.fleetca.registry.CaRegistry;
import io.fleetca.registry.ResponderRecord;
import io.fleetca.registry.ResponderStore;
import io.fleetca.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * Two FleetCA instances sharing one SoftHSM2 token and one PostgreSQL database: the running
 * application is instance B (its key store read the token at start-up); instance A is played by
 * this test with a key store of its own on the same token, writing the database records A's
 * CaFactory and Responders would write. B must sign at once with keys A created, keep its
 * connection and readiness when a key A knows disappears, and replace an OCSP responder whose key
 * is gone instead of answering tryLater until its renewal.
 */
@QuarkusTest
class SharedTokenApplicationTest {

    private static final String ALGORITHM = KeyAlgorithm.EC_P256.signatureAlgorithm();
    private final SecureRandom random = new SecureRandom();

    @Inject
    CaRegistry registry;

    @Inject
    ResponderStore responderStore;

    @Test
    void caAndResponderCreatedOnOneInstanceSignAtOnceOnTheOther() throws Exception {
        Pkcs11CaKeyStore a = SharedTokenTest.instance();
        String suffix = HexFormat.of().formatHex(bytes(4));

        // 1. A creates a root CA: key in the token, then the record (CaFactory's order).
        String rootId = "shared-root-" + suffix;
        String rootAlias = "fleetca-ca-" + rootId + "-" + HexFormat.of().formatHex(bytes(4));
        CaKeyStore.PendingKey rootKey = a.generate(KeyAlgorithm.EC_P256);
        X500Name rootName = new X500Name("CN=Shared Root " + suffix + ",O=FleetCA Test");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = now.plus(Duration.ofDays(365));
        X509CertificateHolder root = caCertificate(rootName, rootName, rootKey.publicKey().getEncoded(), now, notAfter,
                signer(data -> rootKey.sign(ALGORITHM, data)));
        a.store(rootAlias, rootKey, new X509Certificate[] {jca(root)});
        byte[] rootDer = root.getEncoded();
        QuarkusTransaction.requiringNew().run(() -> registry.add(new CaRecord(rootId, null, rootName.toString(), rootAlias,
                KeyAlgorithm.EC_P256.name(), now, notAfter, rootDer, Text.sha256Hex(rootDer), now)));

        // 2. B signs an issuing CA with the root key A created, at once, and stays ready.
        String issuingId = "shared-issuing-" + suffix;
        given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("id", issuingId, "subject", "CN=Shared Issuing " + suffix + ",O=FleetCA Test",
                        "parentId", rootId, "keyAlgorithm", "EC_P256", "validityDays", 30))
                .when().post("/api/v1/cas").then().statusCode(201);
        given().when().get("/q/health/ready").then().statusCode(200);
        X509CertificateHolder issuing = new X509CertificateHolder(given().when()
                .get("/api/v1/cas/" + issuingId + "/certificate").then().statusCode(200).extract().asByteArray());
        assertTrue(issuing.isSignatureValid(new JcaContentVerifierProviderBuilder().build(root)));
        String issuingAlias = registry.find(issuingId).orElseThrow().keyAlias();

        // 3. A creates the issuing CA's OCSP responder (Responders' order: reservation, key and
        //    certificate, record), with the CA key B created after A read the token.
        SerialNumber serial = SerialNumber.random(random);
        String responderAlias = "fleetca-ocsp-" + issuingId + "-" + serial.hex().substring(0, 8);
        Instant responderNotAfter = now.plus(Duration.ofDays(7));
        assertTrue(responderStore.reserve(new ResponderRecord(issuingId, serial.hex(), responderAlias, now,
                responderNotAfter, null, Instant.now()), now.plus(Duration.ofDays(2)), now.minus(Duration.ofMinutes(2))),
                "B created no responder for the new CA yet");
        CaKeyStore.PendingKey responderKey = a.generate(KeyAlgorithm.EC_P256);
        X509CertificateHolder responder = responderCertificate(issuing, serial.value(),
                responderKey.publicKey().getEncoded(), now, responderNotAfter,
                signer(data -> a.sign(issuingAlias, ALGORITHM, data)));
        a.store(responderAlias, responderKey, new X509Certificate[] {jca(responder), jca(issuing), jca(root)});
        responderStore.recordIssued(responderAlias, responder.getEncoded());

        // 4. B answers OCSP for the CA with A's responder, at once.
        BasicOCSPResp first = ocsp(issuing);
        assertEquals(responder.getSerialNumber(), first.getCerts()[0].getSerialNumber(), "B signs with A's responder");
        given().when().get("/q/health/ready").then().statusCode(200);

        // 5. The responder key disappears from the token (deleted through A). B keeps its connection,
        //    stays ready, and answers with a successor instead of tryLater until the renewal days away.
        a.delete(responderAlias);
        BasicOCSPResp second = ocsp(issuing);
        assertNotEquals(responder.getSerialNumber(), second.getCerts()[0].getSerialNumber());
        given().when().get("/q/health/ready").then().statusCode(200);
        assertEquals(second.getCerts()[0].getSerialNumber(), ocsp(issuing).getCerts()[0].getSerialNumber(),
                "the successor is the CA's responder from now on");
    }

    /**
     * A CA key that is gone from a token that answers (deleted through another key store; a token restored from an
     * older backup looks the same): signing with it is refused as the key store being unavailable (503 with
     * Retry-After; OCSP tryLater, RFC 6960 §2.3), not an internal error, and readiness is DOWN naming the CA (check
     * ca-keys), so a load balancer sends requests elsewhere; once the CA is revoked (it signs nothing more), the
     * instance is ready again.
     */
    @Test
    void aCaKeyGoneFromTheTokenIsUnavailableAndNotReadyUntilTheCaIsRevoked() throws Exception {
        String suffix = HexFormat.of().formatHex(bytes(4));
        String rootId = "keyless-root-" + suffix;
        String id = "keyless-issuing-" + suffix;
        for (Map<String, Object> ca : List.of(
                Map.<String, Object>of("id", rootId, "subject", "CN=Keyless Root " + suffix + ",O=FleetCA Test",
                        "keyAlgorithm", "EC_P256", "validityDays", 60),
                Map.<String, Object>of("id", id, "subject", "CN=Keyless " + suffix + ",O=FleetCA Test", "parentId", rootId,
                        "keyAlgorithm", "EC_P256", "validityDays", 30))) {
            given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON).body(ca)
                    .when().post("/api/v1/cas").then().statusCode(201);
        }
        X509CertificateHolder issuing = new X509CertificateHolder(given().when()
                .get("/api/v1/cas/" + id + "/certificate").then().statusCode(200).extract().asByteArray());
        given().when().get("/q/health/ready").then().statusCode(200);
        SharedTokenTest.instance().delete(registry.find(id).orElseThrow().keyAlias());
        try {
            // Its first OCSP responder must be certified with the CA key: gone, so tryLater, not internalError.
            CertificateID cert = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                    issuing, new BigInteger(64, random).setBit(63));
            byte[] request = new OCSPReqBuilder().addRequest(cert).build().getEncoded();
            OCSPResp answer = new OCSPResp(given().contentType("application/ocsp-request").body(request).when().post("/ocsp")
                    .then().statusCode(200).extract().asByteArray());
            assertEquals(OCSPResp.TRY_LATER, answer.getStatus());
            awaitReadiness(503);
            given().when().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'ca-keys' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'ca-keys' }.data.missing", containsString(id))
                    .body("checks.find { it.name == 'key-store' }.status", equalTo("UP"));
        } finally {
            given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON)
                    .body(Map.of("reason", "cessationOfOperation"))
                    .when().post("/api/v1/cas/" + id + "/revoke").then().statusCode(200);
        }
        awaitReadiness(200);
    }

    private static void awaitReadiness(int status) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L; // the check keeps its result for a second
        while (given().when().get("/q/health/ready").then().extract().statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        given().when().get("/q/health/ready").then().statusCode(status);
    }

    /**
     * A nonce request (always freshly signed) for a serial of the CA; SUCCESSFUL and verified with the
     * responder certificate it carries, which the CA signed. B finds a CA created after its last look
     * at the CA list within the index's reload interval, so "unauthorized" is asked again meanwhile.
     */
    private BasicOCSPResp ocsp(X509CertificateHolder issuer) throws Exception {
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                issuer, new BigInteger(64, random).setBit(63));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            byte[] request = new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(new Extension(
                    OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(new DEROctetString(bytes(16))))))
                    .build().getEncoded();
            OCSPResp r = new OCSPResp(given().contentType("application/ocsp-request").body(request).when().post("/ocsp")
                    .then().statusCode(200).extract().asByteArray());
            if (r.getStatus() == OCSPResp.UNAUTHORIZED && System.nanoTime() < deadline) {
                Thread.sleep(500);
                continue;
            }
            assertEquals(OCSPResp.SUCCESSFUL, r.getStatus());
            BasicOCSPResp basic = (BasicOCSPResp) r.getResponseObject();
            X509CertificateHolder signerCert = basic.getCerts()[0];
            assertTrue(signerCert.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer)));
            assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(signerCert)));
            return basic;
        }
    }

    private X509CertificateHolder caCertificate(X500Name issuer, X500Name subject, byte[] spkiDer, Instant notBefore,
                                                Instant notAfter, ContentSigner signer) throws Exception {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(spkiDer);
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, SerialNumber.random(random).value(),
                Date.from(notBefore), Date.from(notAfter), subject, spki);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        b.addExtension(Extension.subjectKeyIdentifier, false, new BcX509ExtensionUtils().createSubjectKeyIdentifier(spki));
        return b.build(signer);
    }

    private static X509CertificateHolder responderCertificate(X509CertificateHolder ca, BigInteger serial, byte[] spkiDer,
                                                              Instant notBefore, Instant notAfter, ContentSigner signer)
            throws Exception {
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(spkiDer);
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(ca.getSubject(), serial, Date.from(notBefore),
                Date.from(notAfter), new X500Name("CN=OCSP Responder (instance A)"), spki);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
        b.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, org.bouncycastle.asn1.DERNull.INSTANCE);
        return b.build(signer);
    }

    private static ContentSigner signer(java.util.function.UnaryOperator<byte[]> sign) {
        return new ContentSigner() {
            private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return new DefaultSignatureAlgorithmIdentifierFinder().find(ALGORITHM);
            }

            @Override
            public OutputStream getOutputStream() { return buffer; }

            @Override
            public byte[] getSignature() { return sign.apply(buffer.toByteArray()); }
        };
    }

    private static X509Certificate jca(X509CertificateHolder cert) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(cert);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
