package io.fleetca.ocsp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.Openssl;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

@QuarkusTest
public class OcspTest {

    public static CertificateID certId(X509CertificateHolder issuer, BigInteger serial, org.bouncycastle.asn1.x509.AlgorithmIdentifier hash)
            throws Exception {
        DigestCalculator digest = new JcaDigestCalculatorProviderBuilder().build().get(hash);
        return new CertificateID(digest, issuer, serial);
    }

    public static byte[] request(byte[] nonce, CertificateID... ids) throws Exception {
        OCSPReqBuilder b = new OCSPReqBuilder();
        for (CertificateID id : ids) {
            b.addRequest(id);
        }
        if (nonce != null) {
            b.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    new DEROctetString(new DEROctetString(nonce)))));
        }
        return b.build().getEncoded();
    }

    public static OCSPResp post(byte[] request) throws Exception {
        Response r = given().contentType("application/ocsp-request").body(request).when().post("/ocsp");
        r.then().statusCode(200).contentType("application/ocsp-response");
        return new OCSPResp(r.asByteArray());
    }

    static Response get(byte[] request) {
        String path = URLEncoder.encode(Base64.getEncoder().encodeToString(request), StandardCharsets.UTF_8);
        return given().urlEncodingEnabled(false).when().get("/ocsp/" + path);
    }

    public static BasicOCSPResp verified(OCSPResp resp, X509CertificateHolder issuer) throws Exception {
        assertEquals(OCSPResp.SUCCESSFUL, resp.getStatus());
        BasicOCSPResp basic = (BasicOCSPResp) resp.getResponseObject();
        X509CertificateHolder responder = basic.getCerts()[0];
        assertTrue(responder.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer)), "responder certified by the CA");
        assertTrue(ExtendedKeyUsage.fromExtensions(responder.getExtensions()).hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning));
        assertNotNull(responder.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck));
        assertTrue(basic.isSignatureValid(new JcaContentVerifierProviderBuilder().build(responder)));
        assertNotNull(basic.getResponderId().toASN1Primitive().getKeyHash(), "responder id by key hash");
        return basic;
    }

    @Test
    void goodRevokedAndUnknownOverPostAndGet() throws Exception {
        TestStation station = TestStation.register();
        Fixtures.Enrolled good = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.Enrolled revoked = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.revoke(revoked.serial(), "keyCompromise").then().statusCode(200);
        X509CertificateHolder ca = good.issuer();

        BasicOCSPResp r = verified(post(request(null, certId(ca, good.serialNumber(), CertificateID.HASH_SHA1))), ca);
        assertNull(r.getResponses()[0].getCertStatus(), "good");
        assertNotNull(r.getResponses()[0].getNextUpdate());

        OCSPResp viaGet = new OCSPResp(get(request(null, certId(ca, revoked.serialNumber(),
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256))))
                .then().statusCode(200).extract().asByteArray());
        SingleResp single = verified(viaGet, ca).getResponses()[0];
        RevokedStatus status = assertInstanceOf(RevokedStatus.class, single.getCertStatus());
        assertEquals(CRLReason.keyCompromise, status.getRevocationReason());

        BasicOCSPResp unknown = verified(post(request(null, certId(ca, new BigInteger("1234567890abcdef", 16),
                CertificateID.HASH_SHA1))), ca);
        assertInstanceOf(UnknownStatus.class, unknown.getResponses()[0].getCertStatus());

        BasicOCSPResp huge = verified(post(request(null, certId(ca, BigInteger.ONE.shiftLeft(159),
                CertificateID.HASH_SHA1))), ca);
        assertInstanceOf(UnknownStatus.class, huge.getResponses()[0].getCertStatus(), "a 160-bit serial is simply unknown");

        BasicOCSPResp both = verified(post(request(null, certId(ca, good.serialNumber(), CertificateID.HASH_SHA1),
                certId(ca, revoked.serialNumber(), CertificateID.HASH_SHA1))), ca);
        assertEquals(2, both.getResponses().length);
    }

    @Test
    void nonceIsEchoedAndCachedAnswersNeverOutliveARevocation() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        X509CertificateHolder ca = cert.issuer();
        byte[] nonce = new byte[32];
        new SecureRandom().nextBytes(nonce);
        BasicOCSPResp withNonce = verified(post(request(nonce, certId(ca, cert.serialNumber(), CertificateID.HASH_SHA1))), ca);
        assertArrayEquals(nonce, DEROctetString.getInstance(
                withNonce.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce).getExtnValue().getOctets()).getOctets());

        byte[] plain = request(null, certId(ca, cert.serialNumber(), CertificateID.HASH_SHA1));
        Response first = get(plain);
        first.then().statusCode(200).header("Cache-Control", containsString("public"))
                .header("Cache-Control", containsString("no-transform")).header("Cache-Control", containsString("max-age="))
                .header("ETag", org.hamcrest.Matchers.notNullValue()).header("Last-Modified", org.hamcrest.Matchers.notNullValue());
        Response second = get(plain);
        assertArrayEquals(first.asByteArray(), second.asByteArray(), "the cached response is served again");
        assertNull(verified(new OCSPResp(second.asByteArray()), ca).getResponses()[0].getCertStatus());

        Fixtures.revoke(cert.serial(), "cessationOfOperation").then().statusCode(200);
        BasicOCSPResp after = verified(new OCSPResp(get(plain).asByteArray()), ca);
        assertInstanceOf(RevokedStatus.class, after.getResponses()[0].getCertStatus(),
                "no cached good after the revocation committed");

        get(request(nonce, certId(ca, cert.serialNumber(), CertificateID.HASH_SHA1)))
                .then().header("Cache-Control", containsString("no-store"));
    }

    @Test
    void errorsAreOcspStatusesNeverServerErrors() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        assertEquals(OCSPResp.MALFORMED_REQUEST, post(new byte[] {0x30, 0x03, 0x02, 0x01}).getStatus());
        assertEquals(OCSPResp.MALFORMED_REQUEST, post("garbage".getBytes(StandardCharsets.UTF_8)).getStatus());
        assertEquals(OCSPResp.MALFORMED_REQUEST, post(new byte[20000]).getStatus());
        assertEquals(OCSPResp.MALFORMED_REQUEST,
                new OCSPResp(given().urlEncodingEnabled(false).get("/ocsp/not@base64!").then().statusCode(200)
                        .extract().asByteArray()).getStatus());
        assertEquals(OCSPResp.MALFORMED_REQUEST, new OCSPResp(get("junk".getBytes(StandardCharsets.UTF_8))
                .asByteArray()).getStatus());
        assertEquals(OCSPResp.MALFORMED_REQUEST, post(request(new byte[33],
                certId(cert.issuer(), cert.serialNumber(), CertificateID.HASH_SHA1))).getStatus(), "RFC 8954: nonce over 32 octets");

        // An issuer FleetCA does not serve: unauthorized (RFC 6960 §2.3).
        var key = TestCsrs.ecP256();
        X509CertificateHolder stranger = new X509v3CertificateBuilder(new X500Name("CN=Stranger CA"), BigInteger.TWO,
                new java.util.Date(), new java.util.Date(System.currentTimeMillis() + 86_400_000L), new X500Name("CN=Stranger CA"),
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
        assertEquals(OCSPResp.UNAUTHORIZED, post(request(null, certId(stranger, cert.serialNumber(), CertificateID.HASH_SHA1)))
                .getStatus());
        // The root answers for the certificates it issued (its issuing CAs); a device serial is unknown to it.
        X509CertificateHolder root = cert.chain().get(1);
        OCSPResp fromRoot = post(request(null, certId(root, cert.serialNumber(), CertificateID.HASH_SHA1)));
        assertEquals(OCSPResp.SUCCESSFUL, fromRoot.getStatus());
        assertInstanceOf(org.bouncycastle.cert.ocsp.UnknownStatus.class,
                ((BasicOCSPResp) fromRoot.getResponseObject()).getResponses()[0].getCertStatus());
        CertificateID[] tooMany = new CertificateID[21];
        for (int i = 0; i < tooMany.length; i++) {
            tooMany[i] = certId(cert.issuer(), BigInteger.valueOf(i + 1), CertificateID.HASH_SHA1);
        }
        assertEquals(OCSPResp.MALFORMED_REQUEST, post(request(null, tooMany)).getStatus());
    }

    @Test
    void opensslOcspClientAgrees() throws Exception {
        TestStation station = TestStation.register();
        Fixtures.Enrolled good = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.Enrolled bad = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.revoke(bad.serial(), "keyCompromise").then().statusCode(200);
        String url = "http://localhost:" + RestAssured.port + "/ocsp";
        String issuer = Openssl.write(firstPem(good.chainPem())).toString();
        String chain = Openssl.write(good.chainPem()).toString();

        Openssl.Result ok = Openssl.run("ocsp", "-issuer", issuer, "-cert", Openssl.write(good.certificatePem()).toString(),
                "-url", url, "-CAfile", chain);
        assertEquals(0, ok.exitCode(), ok.output());
        assertTrue(ok.output().contains("Response verify OK") && ok.output().contains(": good"), ok.output());

        Openssl.Result revoked = Openssl.run("ocsp", "-issuer", issuer, "-cert", Openssl.write(bad.certificatePem()).toString(),
                "-url", url, "-CAfile", chain, "-no_nonce");
        assertTrue(revoked.output().contains("Response verify OK") && revoked.output().contains(": revoked")
                && revoked.output().contains("keyCompromise"), revoked.output());
    }

    private static String firstPem(String pem) {
        int end = pem.indexOf("-----END CERTIFICATE-----") + "-----END CERTIFICATE-----".length();
        return pem.substring(0, end) + "\n";
    }
}
