package io.fleetca.revocation;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.Openssl;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * CRLs are signed over a digest computed outside the token ("NONEwithECDSA" for EC keys, "NONEwithRSA" over
 * the PKCS #1 DigestInfo for RSA keys): the complete and the delta CRL of an EC and of an RSA CA verify
 * with openssl and BouncyCastle against the CA certificate, and carry the algorithm they say.
 */
@QuarkusTest
class CrlDigestSignatureTest {

    @Test
    void ecCaCrlsVerifyWithOpensslAndBouncyCastle() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        Fixtures.revoke(cert.serial(), "keyCompromise").then().statusCode(200);
        X509CRLHolder full = CrlTest.await(CrlTest.FULL, c -> c.getRevokedCertificate(cert.serialNumber()) != null);
        assertEquals(X9ObjectIdentifiers.ecdsa_with_SHA256, full.toASN1Structure().getSignatureAlgorithm().getAlgorithm());
        verifies("dev-issuing", "/crl/dev-issuing.crl");
        verifies("dev-issuing", "/crl/dev-issuing-delta.crl");
    }

    @Test
    void rsaCaCrlsVerifyWithOpensslAndBouncyCastle() throws Exception {
        String root = "rsa-crl-" + HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt()});
        createCa(root, null, "RSA_3072");
        // A subordinate CA, revoked, so that the RSA root's CRL has an entry.
        String sub = root + "-sub";
        createCa(sub, root, "EC_P256");
        Fixtures.admin("/api/v1/cas/" + sub + "/revoke", Map.of("reason", "cACompromise")).then().statusCode(200);
        BigInteger subSerial = caCertificate(sub).getSerialNumber();
        X509CRLHolder full = CrlTest.await("/crl/" + root + ".crl", c -> c.getRevokedCertificate(subSerial) != null);
        assertEquals(PKCSObjectIdentifiers.sha256WithRSAEncryption, full.toASN1Structure().getSignatureAlgorithm().getAlgorithm());
        verifies(root, "/crl/" + root + ".crl");
        verifies(root, "/crl/" + root + "-delta.crl");
    }

    private static void createCa(String id, String parent, String keyAlgorithm) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("id", id, "subject", "CN=" + id + ",O=Example",
                "keyAlgorithm", keyAlgorithm));
        if (parent != null) {
            body.put("parentId", parent);
        }
        given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/cas").then().statusCode(201);
    }

    private static X509CertificateHolder caCertificate(String id) throws Exception {
        return new X509CertificateHolder(given().accept("application/pkix-cert").when()
                .get("/api/v1/cas/" + id + "/certificate").then().statusCode(200).extract().asByteArray());
    }

    private static void verifies(String caId, String path) throws Exception {
        byte[] der = given().when().get(path).then().statusCode(200).extract().asByteArray();
        X509CertificateHolder ca = caCertificate(caId);
        X509CRLHolder crl = new X509CRLHolder(der);
        assertTrue(crl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca)), path + " verifies with BouncyCastle");
        Path crlFile = Files.createTempFile(Path.of("target"), "crl-", ".der");
        Files.write(crlFile, der);
        String caPem = given().accept("application/x-pem-file").when().get("/api/v1/cas/" + caId + "/certificate")
                .then().statusCode(200).extract().asString();
        Openssl.Result r = Openssl.run("crl", "-inform", "DER", "-in", crlFile.toString(), "-CAfile",
                Openssl.write(caPem).toString(), "-noout", "-verify");
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("verify OK"), r.output());
        assertNotNull(crl.getExtension(org.bouncycastle.asn1.x509.Extension.cRLNumber));
    }
}
