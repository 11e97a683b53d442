package io.fleetca.revocation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.Openssl;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;

@QuarkusTest
public class CrlTest {

    public static final String FULL = "/crl/dev-issuing.crl";
    public static final String DELTA = "/crl/dev-issuing-delta.crl";

    public static X509CRLHolder fetch(String path) {
        Response r = given().when().get(path);
        r.then().statusCode(200).contentType("application/pkix-crl");
        try {
            return new X509CRLHolder(r.asByteArray());
        } catch (Exception e) {
            throw new AssertionError("served CRL does not parse", e);
        }
    }

    /** Polls until the CRL satisfies the condition (the publisher runs every 0.5 s in tests). */
    public static X509CRLHolder await(String path, Predicate<X509CRLHolder> condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        X509CRLHolder crl = fetch(path);
        while (!condition.test(crl)) {
            assertTrue(Instant.now().isBefore(deadline), "CRL " + path + " did not change within 30 s");
            Thread.sleep(250);
            crl = fetch(path);
        }
        return crl;
    }

    public static BigInteger number(X509CRLHolder crl) {
        return ASN1Integer.getInstance(crl.getExtension(Extension.cRLNumber).getParsedValue()).getValue();
    }

    @Test
    void completeCrlIsSignedByTheIssuingCaAndNamesItsDelta() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        X509CertificateHolder ca = cert.issuer();
        Response r = given().when().get(FULL);
        r.then().statusCode(200).contentType("application/pkix-crl").header("ETag", org.hamcrest.Matchers.notNullValue())
                .header("Last-Modified", org.hamcrest.Matchers.notNullValue())
                .header("Cache-Control", containsString("max-age="));
        X509CRLHolder crl = new X509CRLHolder(r.asByteArray());
        assertEquals(ca.getSubject(), crl.getIssuer());
        assertTrue(crl.isSignatureValid(new JcaContentVerifierProviderBuilder().build(ca)));
        assertEquals(2, crl.toASN1Structure().getVersionNumber());
        assertNotNull(crl.getNextUpdate());
        Matcher maxAge = Pattern.compile("max-age=(\\d+)").matcher(r.header("Cache-Control"));
        assertTrue(maxAge.find());
        assertFalse(Instant.now().plusSeconds(Long.parseLong(maxAge.group(1)) - 1).isAfter(crl.getNextUpdate().toInstant()),
                "max-age must not reach beyond nextUpdate");
        assertEquals(new AuthorityKeyIdentifier(SubjectKeyIdentifier.fromExtensions(ca.getExtensions()).getKeyIdentifier())
                .getKeyIdentifierObject(), AuthorityKeyIdentifier.fromExtensions(crl.getExtensions()).getKeyIdentifierObject());
        GeneralName freshest = CRLDistPoint.getInstance(crl.getExtension(Extension.freshestCRL).getParsedValue())
                .getDistributionPoints()[0].getDistributionPoint().getName() instanceof GeneralNames names
                ? names.getNames()[0] : null;
        assertEquals("http://localhost:8081/crl/dev-issuing-delta.crl", freshest.getName().toString());

        given().header("If-None-Match", r.header("ETag")).when().get(FULL).then().statusCode(304);
        given().when().get("/crl/no-such-ca.crl").then().statusCode(404).contentType("application/problem+json");
        given().when().get("/crl/dev-issuing.pem").then().statusCode(404);
        Path der = Files.createTempFile(Path.of("target"), "crl-", ".der");
        Files.write(der, r.asByteArray());
        Openssl.Result text = Openssl.run("crl", "-inform", "DER", "-in", der.toString(), "-noout", "-text");
        assertEquals(0, text.exitCode(), text.output());
        assertTrue(text.output().contains("X509v3 CRL Number"), text.output());
    }

    @Test
    void revocationsAppearWithReasonAndInvalidityDateUnderAHigherNumber() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        BigInteger before = number(fetch(FULL));
        Instant invalid = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Fixtures.revoke(cert.serial(), java.util.Map.of("reason", "keyCompromise", "invalidityDate", invalid.toString()))
                .then().statusCode(200);

        X509CRLHolder crl = await(FULL, c -> c.getRevokedCertificate(cert.serialNumber()) != null);
        assertTrue(number(crl).compareTo(before) > 0, "CRL numbers grow");
        X509CRLEntryHolder entry = crl.getRevokedCertificate(cert.serialNumber());
        assertEquals(CRLReason.keyCompromise,
                CRLReason.getInstance(entry.getExtensions().getExtension(Extension.reasonCode).getParsedValue()).getValue().intValue());
        assertEquals(Date.from(invalid), ASN1GeneralizedTime.getInstance(
                entry.getExtensions().getExtension(Extension.invalidityDate).getParsedValue()).getDate());

        X509CRLHolder delta = fetch(DELTA);
        BigInteger base = ASN1Integer.getInstance(delta.getExtension(Extension.deltaCRLIndicator).getParsedValue()).getValue();
        assertTrue(delta.getExtension(Extension.deltaCRLIndicator).isCritical());
        assertTrue(number(delta).compareTo(base) > 0, "a delta is numbered after its base");
        assertTrue(base.compareTo(number(crl)) <= 0, "the delta's base is a complete CRL not newer than the current one");
    }

    @Test
    void releasedHoldLeavesTheCrlAndTheDeltaSaysRemoveFromCrl() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        Fixtures.revoke(cert.serial(), "certificateHold").then().statusCode(200);
        X509CRLHolder held = await(FULL, c -> c.getRevokedCertificate(cert.serialNumber()) != null);
        assertEquals(CRLReason.certificateHold, CRLReason.getInstance(held.getRevokedCertificate(cert.serialNumber())
                .getExtensions().getExtension(Extension.reasonCode).getParsedValue()).getValue().intValue());

        Fixtures.admin("/api/v1/certificates/" + cert.serial() + "/release", "").then().statusCode(200);
        await(FULL, c -> c.getRevokedCertificate(cert.serialNumber()) == null);
        X509CRLHolder delta = await(DELTA, c -> c.getRevokedCertificate(cert.serialNumber()) != null);
        assertEquals(CRLReason.removeFromCRL, CRLReason.getInstance(delta.getRevokedCertificate(cert.serialNumber())
                .getExtensions().getExtension(Extension.reasonCode).getParsedValue()).getValue().intValue());
    }

    @Test
    void opensslVerifyWithCrlCheckRejectsTheRevokedAndAcceptsTheGood() throws Exception {
        TestStation station = TestStation.register();
        Fixtures.Enrolled good = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.Enrolled bad = Fixtures.enroll(station, TestStation.newDeviceId());
        Fixtures.revoke(bad.serial(), "keyCompromise").then().statusCode(200);
        X509CRLHolder crl = await(FULL, c -> c.getRevokedCertificate(bad.serialNumber()) != null);
        assertNull(crl.getRevokedCertificate(good.serialNumber()));

        Path crlDer = Files.createTempFile(Path.of("target"), "crl-", ".der");
        Files.write(crlDer, crl.getEncoded());
        Path crlPem = Files.createTempFile(Path.of("target"), "crl-", ".pem");
        Openssl.Result converted = Openssl.run("crl", "-inform", "DER", "-in", crlDer.toString(), "-out", crlPem.toString());
        assertEquals(0, converted.exitCode(), converted.output());
        Path chain = Openssl.write(good.chainPem());

        Openssl.Result ok = Openssl.run("verify", "-crl_check", "-CAfile", chain.toString(), "-CRLfile", crlPem.toString(),
                Openssl.write(good.certificatePem()).toString());
        assertEquals(0, ok.exitCode(), ok.output());
        Openssl.Result revoked = Openssl.run("verify", "-crl_check", "-CAfile", chain.toString(), "-CRLfile",
                crlPem.toString(), Openssl.write(bad.certificatePem()).toString());
        assertTrue(revoked.exitCode() != 0 && revoked.output().contains("certificate revoked"), revoked.output());
    }
}
