package io.fleetca.est;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.enrollment.EnrollmentTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.FleetCaTestResource;
import io.fleetca.testing.Openssl;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Security;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.est.CACertsResponse;
import org.bouncycastle.est.ESTException;
import org.bouncycastle.est.ESTService;
import org.bouncycastle.est.EnrollmentResponse;
import org.bouncycastle.est.HttpAuth;
import org.bouncycastle.est.jcajce.JcaJceUtils;
import org.bouncycastle.est.jcajce.JsseDefaultHostnameAuthorizer;
import org.bouncycastle.est.jcajce.JsseESTServiceBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** EST (RFC 7030) over real TLS, with BouncyCastle's EST client and with curl + openssl. */
@QuarkusTest
public class EstTest {

    static final String SERVER = "127.0.0.1:" + FleetCaTestResource.EST_PORT;

    @BeforeAll
    static void bouncyCastle() {
        if (Security.getProvider("BC") == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    static X509Certificate root() throws Exception {
        byte[] der = given().when().get("/api/v1/cas/dev-root/certificate").then().statusCode(200).extract().asByteArray();
        return new JcaX509CertificateConverter().getCertificate(new X509CertificateHolder(der));
    }

    /** BouncyCastle's EST client trusting FleetCA's root and checking the server name (SAN iPAddress). */
    static ESTService est(String label) throws Exception {
        JsseESTServiceBuilder b = new JsseESTServiceBuilder(SERVER,
                JcaJceUtils.getCertPathTrustManager(Set.of(new TrustAnchor(root(), null)), null))
                .withHostNameAuthorizer(new JsseDefaultHostnameAuthorizer(null)).withTimeout(20_000);
        if (label != null) {
            b.withLabel(label);
        }
        return b.build();
    }

    static String code(String deviceId, String profile) {
        return given().header("Authorization", TestTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("profile", profile, "expiresAt", Instant.now().plus(1, ChronoUnit.DAYS).toString()))
                .when().post("/api/v1/devices/" + deviceId + "/enrollment-codes").then().statusCode(201).extract().path("code");
    }

    @Test
    void cacertsGivesTheIssuingChain() throws Exception {
        CACertsResponse r = est(null).getCACerts();
        X509CertificateHolder[] certs = ESTService.storeToArray(r.getCertificateStore());
        assertEquals(2, certs.length);
        X500Name rootName = new X509CertificateHolder(root().getEncoded()).getSubject();
        assertTrue(java.util.Arrays.stream(certs).anyMatch(c -> c.getSubject().equals(rootName)));
    }

    @Test
    void aDeviceEnrollsOnceWithItsOneTimeCode() throws Exception {
        Fixtures.Enrolled factory = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        String code = code(factory.deviceId(), "operational");
        KeyPair key = TestCsrs.ecP256();
        PKCS10CertificationRequest csr = TestCsrs.csr(key, "CN=" + factory.deviceId());

        EnrollmentResponse r = est("operational").simpleEnroll(false, csr,
                new HttpAuth("fleetca-est", factory.deviceId(), code.toCharArray()));
        X509CertificateHolder cert = ESTService.storeToArray(r.getStore())[0];
        assertEquals(new X500Name("CN=" + factory.deviceId()), cert.getSubject());
        assertTrue(cert.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(factory.issuer())));

        // The code works once.
        ESTException again = assertThrows(ESTException.class, () -> est(null).simpleEnroll(false,
                TestCsrs.csr(TestCsrs.ecP256(), "CN=" + factory.deviceId()),
                new HttpAuth(factory.deviceId(), code.toCharArray())));
        assertEquals(401, again.getStatusCode());
        // A label other than the code's profile is refused.
        String idevidCode = code(factory.deviceId(), "idevid");
        ESTException wrongLabel = assertThrows(ESTException.class, () -> est("operational").simpleEnroll(false,
                TestCsrs.csr(TestCsrs.ecP256(), "CN=" + factory.deviceId()),
                new HttpAuth(factory.deviceId(), idevidCode.toCharArray())));
        assertEquals(403, wrongLabel.getStatusCode());
    }

    /**
     * RFC 7030 §4.5: csrattrs without a label describes the profile simpleenroll without a label would take: the
     * first profile of the station a presented token names, else fleetca.est.default-profile (operational). The
     * token is only verified: it still enrolls afterwards (its jti is used up by a reservation only).
     */
    @Test
    void csrattrsWithoutALabelDescribesTheStationsFirstProfile() throws Exception {
        TestStation station = TestStation.register(java.util.List.of("idevid", "operational"), "[a-z0-9-]{1,64}", 100);
        String device = TestStation.newDeviceId();
        String token = station.token(device);
        String idevid = csrattrs("/idevid", null);
        String operational = csrattrs("/operational", null);
        assertTrue(!idevid.equals(operational), "the two profiles ask for different CSRs");
        assertEquals(operational, csrattrs("", null));
        assertEquals(idevid, csrattrs("", token));
        assertEquals(operational, csrattrs("", "Bearer not-a-token"));
        EnrollmentResponse enrolled = est(null).simpleEnroll(false, TestCsrs.csr(TestCsrs.ecP256(), "CN=" + device),
                builder -> builder.addHeader("Authorization", token));
        assertEquals(1, ESTService.storeToArray(enrolled.getStore()).length);
    }

    /** RFC 7030 §4.1.3: the certs-only PKCS#7 is DER (it was BER, indefinite lengths, which strict clients refuse). */
    @Test
    void pkcs7AnswersAreDer() throws Exception {
        String body = estGet("/cacerts", null);
        byte[] pkcs7 = java.util.Base64.getMimeDecoder().decode(body);
        assertTrue(java.util.Arrays.equals(pkcs7,
                org.bouncycastle.asn1.ASN1Primitive.fromByteArray(pkcs7).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER)),
                "cacerts is not DER");
    }

    private static String csrattrs(String label, String authorization) throws Exception {
        return estGet(label + "/csrattrs", authorization);
    }

    private static String estGet(String path, String authorization) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", root());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("https://" + SERVER + "/.well-known/est" + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(tls).build()) {
            java.net.http.HttpResponse<String> r = client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            return r.body();
        }
    }

    @Test
    void curlAndOpensslAsAStationScriptWould() throws Exception {
        TestStation station = TestStation.register();
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "est-curl-");
        Path rootPem = work.resolve("root.pem");
        Files.writeString(rootPem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        String base = "https://" + SERVER + "/.well-known/est";

        // cacerts
        Openssl.Result ca = sh(work, "curl -sS --fail --cacert root.pem " + base + "/cacerts | base64 -d"
                + " | openssl pkcs7 -inform DER -print_certs -out cacerts.pem && grep -c 'BEGIN CERTIFICATE' cacerts.pem");
        assertEquals("2", ca.output().strip(), ca.output());

        // simpleenroll with a station token (Bearer; the token's sub is the device id)
        String device = TestStation.newDeviceId();
        Openssl.Result keygen = sh(work, "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout device.key"
                + " -subj /CN=" + device + " -outform DER -out device.csr.der && base64 -w 64 device.csr.der > device.csr.b64");
        assertEquals(0, keygen.exitCode(), keygen.output());
        String token = station.token(device);
        Openssl.Result enrolled = sh(work, "curl -sS --fail --cacert root.pem -H 'Content-Type: application/pkcs10'"
                + " -H 'Authorization: " + token + "' --data-binary @device.csr.b64 " + base + "/operational/simpleenroll"
                + " | base64 -d | openssl pkcs7 -inform DER -print_certs -out device.pem"
                + " && openssl verify -CAfile cacerts.pem device.pem");
        assertEquals(0, enrolled.exitCode(), enrolled.output());
        assertTrue(enrolled.output().contains("device.pem: OK"), enrolled.output());

        // No credentials: 401 with a Basic challenge; unknown label: 404; garbage CSR: 400 (plain text).
        Openssl.Result challenge = sh(work, "curl -sS -o /dev/null -D - --cacert root.pem --data-binary @device.csr.b64 "
                + base + "/simpleenroll");
        assertTrue(challenge.output().contains("401") && challenge.output().toLowerCase().contains("www-authenticate: basic realm=\"fleetca-est\""),
                challenge.output());
        Openssl.Result unknown = sh(work, "curl -sS -o /dev/null -w '%{http_code}' --cacert root.pem " + base + "/nosuchprofile/cacerts");
        assertEquals("404", unknown.output().strip());
        Openssl.Result bare = sh(work, "curl -sS -o /dev/null -w '%{http_code}' --cacert root.pem " + base);
        assertEquals("404", bare.output().strip(), "the EST root itself is no operation");
        Openssl.Result oddUser = sh(work, "curl -sS -o /dev/null -w '%{http_code}' --cacert root.pem -u $'a\\x01b:code'"
                + " --data-binary @device.csr.b64 " + base + "/simpleenroll");
        assertEquals("401", oddUser.output().strip(), "a user id that is no device id is just a bad credential");
        String other = TestStation.newDeviceId();
        Openssl.Result garbage = sh(work, "echo 'bm90IGEgY3Ny' | curl -sS -w ' %{http_code}' --cacert root.pem"
                + " -H 'Authorization: " + station.token(other) + "' --data-binary @- " + base + "/simpleenroll");
        assertTrue(garbage.output().strip().endsWith("400") && garbage.output().contains("csr"), garbage.output());
    }

    @Test
    void estEnrollScriptWithACode() throws Exception {
        Fixtures.Enrolled factory = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        String code = code(factory.deviceId(), "operational");
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "est-script-");
        Files.writeString(work.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        ProcessBuilder pb = new ProcessBuilder(Path.of("provisioning-scripts", "est-enroll.sh").toAbsolutePath().toString(),
                "https://" + SERVER + "/.well-known/est/operational", "root.pem", factory.deviceId())
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("FLEETCA_EST_CODE", code);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("issued to " + factory.deviceId()), out);
        // Used: the same code a second time is refused, and the script says so.
        Process again = pb.start();
        String second = new String(again.getInputStream().readAllBytes());
        assertEquals(1, again.waitFor(), second);
        assertTrue(second.contains("HTTP 401"), second);

        // Renewal in the field: the current certificate is the credential; a new key; the old one is superseded.
        String firstSerial = EnrollmentTest.parseChain(Files.readString(work.resolve(factory.deviceId()).resolve("device.pem")))
                .get(0).getSerialNumber().toString(16);
        pb.environment().remove("FLEETCA_EST_CODE");
        pb.environment().put("FLEETCA_EST_RENEW", "1");
        Process renew = pb.start();
        String renewed = new String(renew.getInputStream().readAllBytes());
        assertEquals(0, renew.waitFor(), renewed);
        assertTrue(renewed.contains("by simplereenroll"), renewed);
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + firstSerial)
                .then().body("status", org.hamcrest.Matchers.equalTo("REVOKED"))
                .body("revocationReason", org.hamcrest.Matchers.equalTo("superseded"));
    }

    @Test
    void estEnrollScriptWithAStationCertificate() throws Exception {
        TestStation station = TestStation.register();
        KeyPair stationKey = TestCsrs.ecP256();
        Fixtures.Enrolled stationCert = stationCertificate(station, stationKey);
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "est-station-");
        Files.writeString(work.resolve("root.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Files.writeString(work.resolve("station.pem"), stationCert.certificatePem());
        try (var w = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(Files.newBufferedWriter(work.resolve("station.key")))) {
            w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(stationKey.getPrivate(), null));
        }
        String device = TestStation.newDeviceId();
        ProcessBuilder pb = new ProcessBuilder(Path.of("provisioning-scripts", "est-enroll.sh").toAbsolutePath().toString(),
                "https://" + SERVER + "/.well-known/est/operational", "root.pem", device)
                .directory(work.toFile()).redirectErrorStream(true);
        pb.environment().put("FLEETCA_EST_CLIENT_CERT", "station.pem");
        pb.environment().put("FLEETCA_EST_CLIENT_KEY", "station.key");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/devices/" + device)
                .then().statusCode(200).body("stationId", org.hamcrest.Matchers.equalTo(station.id));
    }

    @Test
    void bouncyCastleClientWithAStationTokenAndCsrAttributes() throws Exception {
        TestStation station = TestStation.register();
        String device = TestStation.newDeviceId();
        String token = station.token(device);
        org.bouncycastle.est.ESTAuth bearer = builder -> builder.addHeader("Authorization", token);
        X509CertificateHolder cert = ESTService.storeToArray(est("operational").simpleEnroll(false,
                TestCsrs.csr(TestCsrs.ecP256(), "CN=whatever"), bearer).getStore())[0];
        assertEquals(new X500Name("CN=" + device), cert.getSubject(), "the device id is the token's sub");

        org.bouncycastle.est.CSRRequestResponse attrs = est("idevid").getCSRAttributes();
        assertTrue(attrs.hasAttributesResponse());
        assertTrue(attrs.getAttributesResponse().getRequirements().stream()
                .anyMatch(o -> o.equals(org.bouncycastle.asn1.x500.style.BCStyle.SERIALNUMBER)),
                "idevid wants a serialNumber in the subject");
    }

    static final String STATION_POLICY = "2.25.202818587431876352372434593332656716864.1";
    static final String SERVICE_POLICY = "2.25.202818587431876352372434593332656716864.2";

    /**
     * Station, service and device certificates come from one issuing CA with the same EKUs; a broker tells
     * FleetCA's own certificates apart by their certificate policy (RFC 5280 §4.2.1.4), read here by openssl.
     */
    @Test
    void stationAndServiceCertificatesCarryFleetCaPoliciesDeviceCertificatesNone() throws Exception {
        TestStation station = TestStation.register();
        Openssl.Result stationText = Openssl.run("x509", "-noout", "-text", "-in",
                Openssl.write(stationCertificate(station, TestCsrs.ecP256()).certificatePem()).toString());
        assertEquals(0, stationText.exitCode(), stationText.output());
        assertTrue(stationText.output().contains("X509v3 Certificate Policies")
                && stationText.output().contains("Policy: " + STATION_POLICY), stationText.output());

        Openssl.Result deviceText = Openssl.run("x509", "-noout", "-text", "-in",
                Openssl.write(Fixtures.enroll(station, TestStation.newDeviceId()).certificatePem()).toString());
        assertEquals(0, deviceText.exitCode(), deviceText.output());
        assertTrue(!deviceText.output().contains("Certificate Policies"), deviceText.output());

        // The EST server's own TLS certificate, as a client receives it.
        Process client = new ProcessBuilder("openssl", "s_client", "-connect", SERVER).redirectErrorStream(true).start();
        client.getOutputStream().close();
        String handshake = new String(client.getInputStream().readAllBytes());
        client.waitFor();
        java.util.regex.Matcher leaf = java.util.regex.Pattern.compile(
                "-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", java.util.regex.Pattern.DOTALL).matcher(handshake);
        assertTrue(leaf.find(), handshake);
        Openssl.Result serverText = Openssl.run("x509", "-noout", "-text", "-in", Openssl.write(leaf.group() + "\n").toString());
        assertTrue(serverText.output().contains("Policy: " + SERVICE_POLICY), serverText.output());
    }

    /** A station's TLS client certificate, requested over REST with the station's own token. */
    public static Fixtures.Enrolled stationCertificate(TestStation station, KeyPair key) throws Exception {
        io.restassured.response.Response r = given().header("Authorization", station.token(station.id))
                .contentType(ContentType.JSON).body(Map.of("csr", TestCsrs.pemFor(key)))
                .when().post("/api/v1/stations/" + station.id + "/certificates");
        r.then().statusCode(201).body("profile", org.hamcrest.Matchers.equalTo("station"));
        String pem = r.path("certificate");
        return new Fixtures.Enrolled(null, r.path("serial"), key, EnrollmentTest.parseChain(pem).get(0),
                EnrollmentTest.parseChain(r.path("chain")), pem, r.path("chain"));
    }

    public static ESTService estWithClientCertificate(Fixtures.Enrolled cert) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        java.security.cert.Certificate[] chain = new java.security.cert.Certificate[] {converter.getCertificate(cert.certificate()),
                converter.getCertificate(cert.chain().get(0)), converter.getCertificate(cert.chain().get(1))};
        ks.setKeyEntry("client", cert.key().getPrivate(), "x".toCharArray(), chain);
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "x".toCharArray());
        JsseESTServiceBuilder b = new JsseESTServiceBuilder(SERVER,
                JcaJceUtils.getCertPathTrustManager(Set.of(new TrustAnchor(root(), null)), null))
                .withHostNameAuthorizer(new JsseDefaultHostnameAuthorizer(null)).withTimeout(20_000);
        b.withKeyManagers(kmf.getKeyManagers());
        return b.build();
    }

    @Test
    void aStationEnrollsWithItsTlsClientCertificate() throws Exception {
        TestStation station = TestStation.register();
        Fixtures.Enrolled stationCert = stationCertificate(station, TestCsrs.ecP256());
        String device = TestStation.newDeviceId();
        EnrollmentResponse r = estWithClientCertificate(stationCert).simpleEnroll(false,
                TestCsrs.csr(TestCsrs.ecP256(), "SERIALNUMBER=" + device + ",CN=sensor"), null);
        X509CertificateHolder cert = ESTService.storeToArray(r.getStore())[0];
        // The device id comes from the CSR's serialNumber; the station's first profile (idevid) names it twice.
        assertEquals(new X500Name("SERIALNUMBER=" + device + ",CN=" + device), cert.getSubject());
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/devices/" + device)
                .then().statusCode(200).body("stationId", org.hamcrest.Matchers.equalTo(station.id));

        // Outside the station's pattern: 403. A device certificate is no station credential: 403.
        ESTException scope = assertThrows(ESTException.class, () -> estWithClientCertificate(stationCert)
                .simpleEnroll(false, TestCsrs.csr(TestCsrs.ecP256(), "CN=not-a-dev-id"), null));
        assertEquals(403, scope.getStatusCode());
        Fixtures.Enrolled deviceCert = Fixtures.enroll(station, TestStation.newDeviceId());
        ESTException notStation = assertThrows(ESTException.class, () -> estWithClientCertificate(deviceCert)
                .simpleEnroll(false, TestCsrs.csr(TestCsrs.ecP256(), "CN=" + TestStation.newDeviceId()), null));
        assertEquals(403, notStation.getStatusCode());

        // A disabled station's certificate is refused.
        given().header("Authorization", TestTokens.admin()).when().post("/api/v1/stations/" + station.id + "/disable")
                .then().statusCode(200);
        ESTException disabled = assertThrows(ESTException.class, () -> estWithClientCertificate(stationCert)
                .simpleEnroll(false, TestCsrs.csr(TestCsrs.ecP256(), "CN=" + TestStation.newDeviceId()), null));
        assertEquals(403, disabled.getStatusCode());
    }

    @Test
    void aDeviceRenewsWithItsCurrentCertificateWhichIsThenSuperseded() throws Exception {
        Fixtures.Enrolled current = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        KeyPair next = TestCsrs.ecP256();
        X509CertificateHolder renewed = ESTService.storeToArray(estWithClientCertificate(current)
                .simpleEnroll(true, TestCsrs.csr(next, "CN=" + current.deviceId()), null).getStore())[0];
        assertEquals(current.certificate().getSubject(), renewed.getSubject());
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + current.serial())
                .then().body("status", org.hamcrest.Matchers.equalTo("REVOKED"))
                .body("revocationReason", org.hamcrest.Matchers.equalTo("superseded"));

        // The superseded (revoked) certificate cannot renew again.
        ESTException revoked = assertThrows(ESTException.class, () -> estWithClientCertificate(current)
                .simpleEnroll(true, TestCsrs.csr(TestCsrs.ecP256(), "CN=" + current.deviceId()), null));
        assertEquals(403, revoked.getStatusCode());

        // The new one renews with the same key (profile renewal-key ANY); a different subject is a 400.
        Fixtures.Enrolled second = new Fixtures.Enrolled(current.deviceId(), renewed.getSerialNumber().toString(16), next,
                renewed, current.chain(), null, current.chainPem());
        ESTException subject = assertThrows(ESTException.class, () -> estWithClientCertificate(second)
                .simpleEnroll(true, TestCsrs.csr(next, "CN=someone-else"), null));
        assertEquals(400, subject.getStatusCode());
        X509CertificateHolder third = ESTService.storeToArray(estWithClientCertificate(second)
                .simpleEnroll(true, TestCsrs.csr(next, "CN=" + current.deviceId()), null).getStore())[0];
        assertEquals(renewed.getSubjectPublicKeyInfo(), third.getSubjectPublicKeyInfo());

        // Without a client certificate: 403; with a held certificate: 403.
        Fixtures.Enrolled held = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        Fixtures.revoke(held.serial(), "certificateHold").then().statusCode(200);
        ESTException onHold = assertThrows(ESTException.class, () -> estWithClientCertificate(held)
                .simpleEnroll(true, TestCsrs.csr(held.key(), "CN=" + held.deviceId()), null));
        assertEquals(403, onHold.getStatusCode());
        ESTException anonymous = assertThrows(ESTException.class, () -> est(null)
                .simpleEnroll(true, TestCsrs.csr(held.key(), "CN=" + held.deviceId()), null));
        assertEquals(403, anonymous.getStatusCode());
        // A device of a disabled station does not renew.
        TestStation disabledStation = TestStation.register();
        Fixtures.Enrolled orphan = Fixtures.enroll(disabledStation, TestStation.newDeviceId());
        given().header("Authorization", TestTokens.admin()).when().post("/api/v1/stations/" + disabledStation.id + "/disable")
                .then().statusCode(200);
        ESTException stationDisabled = assertThrows(ESTException.class, () -> estWithClientCertificate(orphan)
                .simpleEnroll(true, TestCsrs.csr(orphan.key(), "CN=" + orphan.deviceId()), null));
        assertEquals(403, stationDisabled.getStatusCode());
        // Outside the renewal window (default 0 days after expiry): see EstRenewalAfterExpiryTest for inside it.
    }

    @Test
    void stationCertificateRefusals() {
        TestStation station = TestStation.register();
        TestStation other = TestStation.register();
        given().header("Authorization", other.token(other.id)).contentType(ContentType.JSON)
                .body(Map.of("csr", TestCsrs.pemFor(TestCsrs.ecP256())))
                .when().post("/api/v1/stations/" + station.id + "/certificates").then().statusCode(401);
        given().header("Authorization", station.token(TestStation.newDeviceId())).contentType(ContentType.JSON)
                .body(Map.of("csr", TestCsrs.pemFor(TestCsrs.ecP256())))
                .when().post("/api/v1/stations/" + station.id + "/certificates").then().statusCode(401);
        given().header("Authorization", station.token(station.id)).contentType(ContentType.JSON)
                .body(Map.of("csr", "garbage"))
                .when().post("/api/v1/stations/" + station.id + "/certificates").then().statusCode(400)
                .contentType("application/problem+json");
        // A device's key cannot become a station's.
        Fixtures.Enrolled device = Fixtures.enroll(station, TestStation.newDeviceId());
        given().header("Authorization", station.token(station.id)).contentType(ContentType.JSON)
                .body(Map.of("csr", TestCsrs.pemFor(device.key())))
                .when().post("/api/v1/stations/" + station.id + "/certificates").then().statusCode(409)
                .body("type", org.hamcrest.Matchers.equalTo("https://fleetca.io/problems/key-reuse"));
    }

    private static Openssl.Result sh(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Openssl.Result(p.waitFor(), out);
    }
}
