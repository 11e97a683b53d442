package io.fleetca.enrollment;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.Openssl;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.api.Test;

@QuarkusTest
public class EnrollmentTest {

    public static Response enroll(TestStation station, String deviceId, String profile, String csrPem) {
        return given().header("Authorization", station.token(deviceId)).contentType(ContentType.JSON)
                .body(Map.of("profile", profile, "csr", csrPem))
                .when().post("/api/v1/devices/" + deviceId + "/certificates");
    }

    public static List<X509CertificateHolder> parseChain(String pem) throws Exception {
        List<X509CertificateHolder> out = new ArrayList<>();
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = p.readObject()) != null) {
                out.add((X509CertificateHolder) o);
            }
        }
        return out;
    }

    @Test
    void stationEnrollsDeviceAndTheCertificateFollowsTheProfile() throws Exception {
        TestStation station = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        KeyPair key = TestCsrs.ecP256();
        Response r = enroll(station, deviceId, "idevid", TestCsrs.pemFor(key));
        r.then().statusCode(201).contentType(ContentType.JSON)
                .body("deviceId", equalTo(deviceId)).body("issuerId", equalTo("dev-issuing"))
                .body("profile", equalTo("idevid")).body("serial", matchesPattern("[0-9a-f]+"));
        String serial = r.path("serial");
        assertEquals("/api/v1/certificates/" + serial, java.net.URI.create(r.header("Location")).getPath());

        X509CertificateHolder cert = parseChain(r.path("certificate")).get(0);
        // The bytes FleetCA sent (its assembled DER: signed TBS, algorithm, signature) are the DER encoding.
        byte[] sent = java.util.Base64.getMimeDecoder().decode(r.<String>path("certificate")
                .replaceAll("-----[A-Z ]+-----", ""));
        assertArrayEquals(sent, org.bouncycastle.asn1.x509.Certificate.getInstance(sent)
                .getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER));
        List<X509CertificateHolder> chain = parseChain(r.path("chain"));
        assertEquals(2, chain.size(), "issuing CA and root");
        assertEquals(new BigInteger(serial, 16), cert.getSerialNumber());
        assertTrue(cert.getSerialNumber().bitLength() >= 64);

        // Subject from the profile and the authorized device id, never from the CSR.
        assertEquals(deviceId, IETFUtils.valueToString(cert.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue()));
        assertEquals(deviceId, IETFUtils.valueToString(cert.getSubject().getRDNs(BCStyle.SERIALNUMBER)[0].getFirst().getValue()));
        assertEquals(0, cert.getSubject().getRDNs(BCStyle.O).length);

        // RFC 5280 extensions every leaf carries.
        assertNotNull(SubjectKeyIdentifier.fromExtensions(cert.getExtensions()));
        assertTrue(Arrays.equals(SubjectKeyIdentifier.fromExtensions(chain.get(0).getExtensions()).getKeyIdentifier(),
                AuthorityKeyIdentifier.fromExtensions(cert.getExtensions()).getKeyIdentifier()));
        assertTrue(cert.getExtension(Extension.keyUsage).isCritical());
        KeyUsage ku = KeyUsage.fromExtensions(cert.getExtensions());
        assertTrue(ku.hasUsages(KeyUsage.digitalSignature));
        assertFalse(ku.hasUsages(KeyUsage.keyEncipherment), "EC keys do not encipher");
        assertTrue(ExtendedKeyUsage.fromExtensions(cert.getExtensions()).hasKeyPurposeId(KeyPurposeId.id_kp_clientAuth));
        assertFalse(BasicConstraints.fromExtensions(cert.getExtensions()).isCA());
        CRLDistPoint cdp = CRLDistPoint.fromExtensions(cert.getExtensions());
        assertEquals("http://localhost:8081/crl/dev-issuing.crl", uri(GeneralNames.getInstance(
                cdp.getDistributionPoints()[0].getDistributionPoint().getName()).getNames()[0]));
        AccessDescription[] aia = AuthorityInformationAccess.fromExtensions(cert.getExtensions()).getAccessDescriptions();
        assertEquals(AccessDescription.id_ad_ocsp, aia[0].getAccessMethod());
        assertEquals("http://localhost:8081/ocsp", uri(aia[0].getAccessLocation()));
        assertEquals("http://localhost:8081/api/v1/cas/dev-issuing/certificate", uri(aia[1].getAccessLocation()));

        // An independent implementation accepts the chain for TLS client authentication.
        Path leaf = Openssl.write(r.path("certificate"));
        Path inter = Openssl.write(pem(chain.get(0)));
        Path root = Openssl.write(pem(chain.get(1)));
        Openssl.Result verify = Openssl.run("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", root.toString(),
                "-untrusted", inter.toString(), leaf.toString());
        assertEquals(0, verify.exitCode(), verify.output());

        // The registry knows the device and the certificate.
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/devices/" + deviceId)
                .then().statusCode(200).body("status", equalTo("ACTIVE")).body("stationId", equalTo(station.id))
                .body("certificates[0].serial", equalTo(serial)).body("certificates[0].status", equalTo("ISSUED"));
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + serial)
                .then().statusCode(200).body("deviceId", equalTo(deviceId)).body("status", equalTo("ISSUED"))
                .body("certificate", startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void retryWithSameKeyReturnsTheExistingCertificate() {
        TestStation station = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        String csr = TestCsrs.pemFor(TestCsrs.ecP256());
        String first = enroll(station, deviceId, "operational", csr).then().statusCode(201).extract().path("serial");
        enroll(station, deviceId, "operational", csr).then().statusCode(200).body("serial", equalTo(first));
        given().header("Authorization", TestTokens.admin()).when().get("/api/v1/devices/" + deviceId)
                .then().body("certificates.size()", equalTo(1));
    }

    @Test
    void keyCertifiedForAnotherDeviceIsRefused() {
        TestStation station = TestStation.register();
        String csr = TestCsrs.pemFor(TestCsrs.ecP256());
        enroll(station, TestStation.newDeviceId(), "operational", csr).then().statusCode(201);
        String other = TestStation.newDeviceId();
        enroll(station, other, "operational", csr).then().statusCode(409)
                .contentType("application/problem+json").body("type", equalTo("https://fleetca.io/problems/key-reuse"));
        given().header("Authorization", TestTokens.admin()).when().get("/api/v1/devices/" + other).then().statusCode(404);
    }

    /** Brokers often compare names ignoring case: SENSOR-x must not become a second identity beside sensor-x. */
    @Test
    void deviceIdsThatDifferOnlyInCaseAreRefused() {
        TestStation station = TestStation.register(List.of("operational"), "[A-Za-z0-9-]+", 100);
        String lower = "case-" + java.util.UUID.randomUUID().toString().substring(0, 8) + "-abc";
        enroll(station, lower, "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(201);
        String upper = lower.toUpperCase(java.util.Locale.ROOT);
        enroll(station, upper, "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://fleetca.io/problems/device-id-case-conflict"))
                .body("detail", org.hamcrest.Matchers.containsString("existing device " + lower));
        Fixtures.assertNoDevice(upper);

        // Decommissioned, the old id still blocks its other spellings.
        given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON).body("")
                .when().post("/api/v1/devices/" + lower + "/decommission").then().statusCode(200);
        String mixed = "Case-" + lower.substring(5);
        enroll(station, mixed, "operational", TestCsrs.pemFor(TestCsrs.ecP256())).then().statusCode(409)
                .body("type", equalTo("https://fleetca.io/problems/device-id-case-conflict"));
        Fixtures.assertNoDevice(mixed);
    }

    @Test
    void pemChainOnRequest() throws Exception {
        TestStation station = TestStation.register();
        String deviceId = TestStation.newDeviceId();
        String body = given().header("Authorization", station.token(deviceId)).accept("application/pem-certificate-chain")
                .contentType(ContentType.JSON).body(Map.of("profile", "operational", "csr", TestCsrs.pemFor(TestCsrs.ecP256())))
                .when().post("/api/v1/devices/" + deviceId + "/certificates")
                .then().statusCode(201).contentType("application/pem-certificate-chain").extract().asString();
        assertEquals(3, parseChain(body).size());
    }

    @Test
    void rsaAndP384AndBase64DerCsrsAreAccepted() throws Exception {
        TestStation station = TestStation.register();
        String rsaDevice = TestStation.newDeviceId();
        Response rsa = enroll(station, rsaDevice, "idevid", TestCsrs.pemFor(TestCsrs.rsa(2048)));
        rsa.then().statusCode(201);
        KeyUsage ku = KeyUsage.fromExtensions(parseChain(rsa.path("certificate")).get(0).getExtensions());
        assertTrue(ku.hasUsages(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));

        String der = java.util.Base64.getEncoder().encodeToString(TestCsrs.csr(TestCsrs.ecKey("secp384r1"), "CN=x").getEncoded());
        enroll(station, TestStation.newDeviceId(), "operational", der).then().statusCode(201);
    }

    @Test
    void ed25519OnlyWhereTheProfileAllowsIt() throws Exception {
        TestStation station = TestStation.register();
        java.security.KeyPair ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        enroll(station, TestStation.newDeviceId(), "idevid", TestCsrs.pemFor(ed)).then().statusCode(400)
                .body("type", equalTo("https://fleetca.io/problems/bad-public-key"));
        enroll(station, TestStation.newDeviceId(), "operational", TestCsrs.pemFor(ed)).then().statusCode(201);
    }

    private static String uri(GeneralName name) {
        return name.getName().toString();
    }

    @Test
    void noCertificateWithoutStation() {
        String deviceId = TestStation.newDeviceId();
        given().contentType(ContentType.JSON).body(Map.of("profile", "idevid", "csr", TestCsrs.pemFor(TestCsrs.ecP256())))
                .when().post("/api/v1/devices/" + deviceId + "/certificates").then().statusCode(401)
                .contentType("application/problem+json");
        Fixtures.assertNoDevice(deviceId);
    }

    private static String pem(X509CertificateHolder certificate) throws java.io.IOException {
        java.io.StringWriter out = new java.io.StringWriter();
        try (org.bouncycastle.openssl.jcajce.JcaPEMWriter w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
            w.writeObject(certificate);
        }
        return out.toString();
    }
}
