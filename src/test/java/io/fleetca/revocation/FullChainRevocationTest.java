package io.fleetca.revocation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.enrollment.EnrollmentTest;
import io.fleetca.ocsp.OcspTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.Openssl;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Full-chain revocation checking as Java brokers do it: the JDK's own PKIX validator with its revocation
 * checker in the default mode (every certificate below the trust anchor, no soft fail), trusting the root,
 * fetching status from the URLs in the certificates (OCSP, or CRL distribution points with
 * com.sun.security.enableCRLDP), and openssl's -crl_check_all over the whole chain.
 *
 * <p>Two hierarchies of their own (profiles chain-a and chain-b in FleetCaTestResource): the JDK caches a
 * fetched CRL for 30 s per URL, so the revoked issuing CA's root CRL must not have been fetched before.
 */
@QuarkusTest
public class FullChainRevocationTest {

    static final String PUBLIC_URL = "http://localhost:8081";

    @BeforeAll
    static void crlDistributionPoints() {
        // Read by the JDK's RevocationChecker at each validation (not cached): brokers set it at start.
        System.setProperty("com.sun.security.enableCRLDP", "true");
    }

    @Test
    void caCertificatesCarryTheirParentsPointersAndAreInItsLedger() throws Exception {
        X509CertificateHolder issuing = caCertificate("dev-issuing");
        CRLDistPoint cdp = CRLDistPoint.fromExtensions(issuing.getExtensions());
        assertEquals(PUBLIC_URL + "/crl/dev-root.crl", uri(GeneralNames.getInstance(
                cdp.getDistributionPoints()[0].getDistributionPoint().getName()).getNames()[0]));
        AccessDescription[] aia = AuthorityInformationAccess.fromExtensions(issuing.getExtensions()).getAccessDescriptions();
        assertEquals(PUBLIC_URL + "/ocsp", uri(aia[0].getAccessLocation()));
        assertEquals(PUBLIC_URL + "/api/v1/cas/dev-root/certificate", uri(aia[1].getAccessLocation()));
        // A trust anchor is not checked (RFC 5280 §6.1): the root carries no pointers.
        assertNull(caCertificate("dev-root").getExtension(Extension.cRLDistributionPoints));

        given().header("Authorization", TestTokens.auditor()).when()
                .get("/api/v1/certificates/" + issuing.getSerialNumber().toString(16))
                .then().statusCode(200).body("issuerId", equalTo("dev-root")).body("profile", equalTo("ca"))
                .body("status", equalTo("ISSUED"));
    }

    @jakarta.inject.Inject
    io.fleetca.ca.CaLedgerBackfill backfill;

    @jakarta.inject.Inject
    javax.sql.DataSource dataSource;

    @Test
    void caCertificatesFromBeforeTheLedgerAreRecordedAtStart() throws Exception {
        Fixtures.admin("/api/v1/cas", Map.of("id", "chain-legacy-root", "subject", "CN=Legacy Root " + UUID.randomUUID()))
                .then().statusCode(201);
        Fixtures.admin("/api/v1/cas", Map.of("id", "chain-legacy", "subject", "CN=Legacy Issuing", "parentId",
                "chain-legacy-root")).then().statusCode(201);
        String serial = caCertificate("chain-legacy").getSerialNumber().toString(16);
        // As a database from before this release has it: the CA, no ledger row for its certificate.
        try (var c = dataSource.getConnection(); var s = c.prepareStatement(
                "DELETE FROM certificate WHERE issuer_id = 'chain-legacy-root' AND serial = ?")) {
            s.setString(1, serial);
            assertEquals(1, s.executeUpdate());
        }
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + serial)
                .then().statusCode(404);
        assertEquals(1, backfill.backfill());
        assertEquals(0, backfill.backfill(), "idempotent");
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + serial)
                .then().statusCode(200).body("status", equalTo("ISSUED")).body("profile", equalTo("ca"));
    }

    @Test
    void javaValidatesTheWholePathWithOcspAndWithCrls() throws Exception {
        createHierarchy("a");
        TestStation station = TestStation.register(List.of("chain-a"), "dev-[0-9a-f-]+", 1000);
        Device good = enroll(station, "chain-a");
        Device revoked = enroll(station, "chain-a");
        Fixtures.revoke(revoked.serial.toString(16), "cessationOfOperation").then().statusCode(200);
        awaitListed("chain-issuing-a", revoked.serial);
        awaitCrl("chain-root-a");
        X509Certificate root = x509(caCertificate("chain-root-a"));

        validate(good, root, false);
        assertRevokedAt(0, () -> validate(revoked, root, false));
        validate(good, root, true);
        assertRevokedAt(0, () -> validate(revoked, root, true));
    }

    @Test
    void aRevokedIssuingCaFailsEveryDeviceBelowIt() throws Exception {
        createHierarchy("b");
        TestStation station = TestStation.register(List.of("chain-b"), "dev-[0-9a-f-]+", 1000);
        Device device = enroll(station, "chain-b");
        X509Certificate root = x509(caCertificate("chain-root-b"));
        validate(device, root, false);
        BigInteger issuingSerial = caCertificate("chain-issuing-b").getSerialNumber();

        Fixtures.admin("/api/v1/cas/chain-issuing-b/revoke", Map.of("reason", "cACompromise")).then().statusCode(200)
                .body("changed", equalTo(true)).body("revokedSerials[0]", equalTo(issuingSerial.toString(16)))
                .body("ca.revocationReason", equalTo("cACompromise"));
        Fixtures.admin("/api/v1/cas/chain-issuing-b/revoke", Map.of("reason", "cACompromise")).then().statusCode(200)
                .body("changed", equalTo(false));

        // OCSP from the root's delegated responder says revoked at once; the root's next CRL lists it.
        org.bouncycastle.cert.ocsp.OCSPResp bc = OcspTest.post(OcspTest.request(null, OcspTest.certId(
                caCertificate("chain-root-b"), issuingSerial, org.bouncycastle.cert.ocsp.CertificateID.HASH_SHA1)));
        assertTrue(((org.bouncycastle.cert.ocsp.BasicOCSPResp) bc.getResponseObject()).getResponses()[0].getCertStatus()
                instanceof org.bouncycastle.cert.ocsp.RevokedStatus, "BouncyCastle sees the issuing CA revoked");
        assertRevokedAt(1, () -> validate(device, root, false));
        awaitListed("chain-root-b", issuingSerial);
        assertRevokedAt(1, () -> validate(device, root, true));
        Openssl.Result verify = opensslVerifyAll(device, "chain-root-b", "chain-issuing-b");
        assertTrue(verify.output().contains("certificate revoked"), verify.output());

        // The CA issues nothing more, and is not certified again.
        EnrollmentTest.enroll(station, TestStation.newDeviceId(), "chain-b", TestCsrs.pemFor(TestCsrs.ecP256()))
                .then().statusCode(409).body("type", equalTo("https://fleetca.io/problems/ca-revoked"));
        Fixtures.admin("/api/v1/cas/chain-issuing-b/recertify", Map.of()).then().statusCode(409)
                .body("type", equalTo("https://fleetca.io/problems/ca-revoked"));
    }

    @Test
    void caRevocationRefusals() throws Exception {
        Fixtures.admin("/api/v1/cas/dev-root/revoke", Map.of("reason", "cACompromise")).then().statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("root"));
        Fixtures.admin("/api/v1/cas/dev-issuing/revoke", Map.of("reason", "certificateHold")).then().statusCode(400);
        Fixtures.admin("/api/v1/cas/no-such-ca/revoke", Map.of("reason", "cACompromise")).then().statusCode(404);
        given().contentType(ContentType.JSON).body(Map.of("reason", "cACompromise")).when()
                .post("/api/v1/cas/dev-issuing/revoke").then().statusCode(401);
        String serial = caCertificate("dev-issuing").getSerialNumber().toString(16);
        // A CA certificate is revoked with its CA, never as a bare certificate.
        Fixtures.revoke(serial, "keyCompromise").then().statusCode(409)
                .body("detail", org.hamcrest.Matchers.containsString("/api/v1/cas/{caId}/revoke"));
    }

    @Test
    void recertifiedIssuingCaKeepsItsKeyAndItsDevices() throws Exception {
        Fixtures.admin("/api/v1/cas", Map.of("id", "chain-old-root", "subject", "CN=Old Root " + UUID.randomUUID())).then()
                .statusCode(201);
        Fixtures.admin("/api/v1/cas", Map.of("id", "chain-old-issuing", "subject", "CN=Old Issuing", "parentId",
                "chain-old-root")).then().statusCode(201);
        X509CertificateHolder before = caCertificate("chain-old-issuing");
        given().header("Authorization", TestTokens.admin()).when().post("/api/v1/cas/chain-old-issuing/recertify")
                .then().statusCode(200).body("id", equalTo("chain-old-issuing"));
        X509CertificateHolder after = caCertificate("chain-old-issuing");
        assertTrue(!before.getSerialNumber().equals(after.getSerialNumber()));
        assertEquals(before.getSubject(), after.getSubject());
        assertEquals(before.getSubjectPublicKeyInfo(), after.getSubjectPublicKeyInfo());
        assertEquals(before.getNotAfter(), after.getNotAfter());
        given().header("Authorization", TestTokens.auditor()).when()
                .get("/api/v1/certificates/" + after.getSerialNumber().toString(16))
                .then().statusCode(200).body("issuerId", equalTo("chain-old-root")).body("profile", equalTo("ca"));
        Fixtures.admin("/api/v1/cas/chain-old-root/recertify", Map.of()).then().statusCode(409);
        given().when().post("/api/v1/cas/chain-old-issuing/recertify").then().statusCode(401);
    }

    @Test
    void aJavaTlsServerCheckingRevocationAcceptsADeviceChainedToTheRoot() throws Exception {
        TestStation station = TestStation.register();
        Device good = enroll(station, "operational");
        Device revoked = enroll(station, "operational");
        Fixtures.revoke(revoked.serial.toString(16), "keyCompromise").then().statusCode(200);
        X509Certificate root = x509(caCertificate("dev-root"));
        try (RevocationCheckingTlsServer server = new RevocationCheckingTlsServer(root)) {
            assertEquals(good.chain.get(0).getSubjectX500Principal(), server.handshake(good.key, good.chain)
                    .getSubjectX500Principal());
            assertThrows(javax.net.ssl.SSLException.class, () -> server.handshake(revoked.key, revoked.chain));
        }
    }

    @Test
    void opensslChecksEveryCrlOfTheChain() throws Exception {
        TestStation station = TestStation.register();
        Device good = enroll(station, "operational");
        Device revoked = enroll(station, "operational");
        Fixtures.revoke(revoked.serial.toString(16), "superseded").then().statusCode(200);
        awaitListed("dev-issuing", revoked.serial);
        awaitCrl("dev-root");
        Openssl.Result ok = opensslVerifyAll(good, "dev-root", "dev-issuing");
        assertEquals(0, ok.exitCode(), ok.output());
        Openssl.Result refused = opensslVerifyAll(revoked, "dev-root", "dev-issuing");
        assertTrue(refused.output().contains("certificate revoked"), refused.output());
    }

    // ---- helpers

    record Device(KeyPair key, BigInteger serial, List<X509Certificate> chain, String pem) {}

    static Device enroll(TestStation station, String profile) throws Exception {
        KeyPair key = TestCsrs.ecP256();
        var r = EnrollmentTest.enroll(station, TestStation.newDeviceId(), profile, TestCsrs.pemFor(key));
        r.then().statusCode(201);
        List<X509CertificateHolder> certs = EnrollmentTest.parseChain(r.path("certificate"));
        List<X509CertificateHolder> chain = EnrollmentTest.parseChain(r.path("chain"));
        // The chain a device presents: itself and the issuing CA (the root is the relying party's anchor).
        return new Device(key, certs.get(0).getSerialNumber(), List.of(x509(certs.get(0)), x509(chain.get(0))),
                r.path("certificate"));
    }

    static void createHierarchy(String suffix) {
        Fixtures.admin("/api/v1/cas", Map.of("id", "chain-root-" + suffix, "subject", "CN=Chain Root " + suffix
                + " " + UUID.randomUUID())).then().statusCode(201);
        Fixtures.admin("/api/v1/cas", Map.of("id", "chain-issuing-" + suffix, "subject", "CN=Chain Issuing " + suffix,
                "parentId", "chain-root-" + suffix)).then().statusCode(201);
    }

    /** The JDK's PKIX validation from the root with its revocation checker, by OCSP or by CRLs. */
    static void validate(Device device, X509Certificate root, boolean preferCrls) throws Exception {
        CertPathValidator validator = CertPathValidator.getInstance("PKIX", "SUN");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
        // Each source alone (NO_FALLBACK), so an answer from one cannot hide a failure of the other; every
        // certificate of the path is checked and nothing soft-fails (no ONLY_END_ENTITY, no SOFT_FAIL).
        checker.setOptions(preferCrls
                ? EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK)
                : EnumSet.of(PKIXRevocationChecker.Option.NO_FALLBACK));
        params.addCertPathChecker(checker);
        CertPath path = CertificateFactory.getInstance("X.509").generateCertPath(device.chain);
        validator.validate(path, params);
    }

    interface Validation {
        void run() throws Exception;
    }

    /** Refused as revoked, for the certificate at {@code index} of the path (0 = the device). */
    static void assertRevokedAt(int index, Validation validation) {
        CertPathValidatorException e = assertThrows(CertPathValidatorException.class, validation::run);
        assertEquals(CertPathValidatorException.BasicReason.REVOKED, e.getReason(), e.toString());
        assertEquals(index, e.getIndex(), e.toString());
    }

    static Openssl.Result opensslVerifyAll(Device device, String rootId, String issuingId) throws Exception {
        String root = Openssl.write(pem(caCertificate(rootId).getEncoded(), "CERTIFICATE")).toString();
        String issuing = Openssl.write(pem(caCertificate(issuingId).getEncoded(), "CERTIFICATE")).toString();
        String rootCrl = Openssl.write(pem(crl(rootId), "X509 CRL")).toString();
        String issuingCrl = Openssl.write(pem(crl(issuingId), "X509 CRL")).toString();
        return Openssl.run("verify", "-crl_check_all", "-CAfile", root, "-untrusted", issuing, "-CRLfile", rootCrl,
                "-CRLfile", issuingCrl, Openssl.write(device.pem).toString());
    }

    public static X509CertificateHolder caCertificate(String id) throws Exception {
        return new X509CertificateHolder(given().when().get("/api/v1/cas/" + id + "/certificate")
                .then().statusCode(200).extract().asByteArray());
    }

    /**
     * The CA's published complete CRL. A CA created moments ago may have its first CRL being published: FleetCA
     * answers 503 crl-not-ready ("retry shortly") then, and the test retries as a client would, for up to 30 s.
     */
    static byte[] crl(String caId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        var r = given().when().get("/crl/" + caId + ".crl");
        while (r.statusCode() == 503 && System.currentTimeMillis() < deadline) {
            r.then().body("type", equalTo("https://fleetca.io/problems/crl-not-ready"));
            Thread.sleep(100);
            r = given().when().get("/crl/" + caId + ".crl");
        }
        return r.then().statusCode(200).extract().asByteArray();
    }

    /** Waits until the CA's published complete CRL lists the serial (published within seconds in tests). */
    static void awaitListed(String caId, BigInteger serial) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            var r = given().when().get("/crl/" + caId + ".crl");
            if (r.statusCode() == 200) {
                X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
                        .generateCRL(new ByteArrayInputStream(r.asByteArray()));
                if (crl.getRevokedCertificate(serial) != null) {
                    return;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("CRL of " + caId + " does not list " + serial.toString(16));
    }

    static void awaitCrl(String caId) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (given().when().get("/crl/" + caId + ".crl").statusCode() != 200) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("no CRL for " + caId);
            }
            Thread.sleep(250);
        }
    }

    static X509Certificate x509(X509CertificateHolder holder) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    static String pem(byte[] der, String type) {
        return "-----BEGIN " + type + "-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String uri(GeneralName name) {
        return name.getName().toString();
    }
}
