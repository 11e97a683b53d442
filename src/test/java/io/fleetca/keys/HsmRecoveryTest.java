package io.fleetca.keys;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetca.testing.FleetCaTestResource;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.file.Files;
import java.security.AuthProvider;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Map;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.junit.jupiter.api.Test;

/**
 * A token that fails while FleetCA runs, on the real SoftHSM2 token: the application's login
 * is dropped (C_Logout, as when an HSM restarts or a network HSM drops its sessions), so the
 * CA keys vanish from FleetCA's sessions. FleetCA must answer 503 with Retry-After, report
 * readiness DOWN until its next reconnect attempt (fleetca.keys.reconnect-interval), then log
 * in again with new sessions by itself and sign, without a restart.
 */
@QuarkusTest
class HsmRecoveryTest {

    @Test
    void tokenFailureGives503AndReadinessDownThenRecoversWithoutRestart() throws Exception {
        TestStation station = TestStation.register();
        enroll(station).then().statusCode(201);
        assertEquals(OCSPResp.SUCCESSFUL, ocspWithNonce().getStatus());
        given().when().get("/crl/dev-issuing.crl").then().statusCode(200);

        logOutEverySession(Files.readString(FleetCaTestResource.PIN_FILE).strip());

        // OCSP answers tryLater (RFC 6960 §2.3), not an HTTP error; published CRLs are still served.
        assertEquals(OCSPResp.TRY_LATER, ocspWithNonce().getStatus());
        given().when().get("/crl/dev-issuing.crl").then().statusCode(200);

        String failedDevice = TestStation.newDeviceId();
        enroll(station, failedDevice).then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("https://fleetca.io/problems/key-store-unavailable"))
                .body("detail", not(containsString("CKR_")));
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'key-store' }.status", equalTo("DOWN"));
        enroll(station).then().statusCode(503);
        // The serial was reserved before the HSM was asked; the ledger shows it as reserved, never issued.
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/devices/" + failedDevice)
                .then().statusCode(200).body("certificates[0].status", equalTo("RESERVED"));

        // Back: readiness turns UP within a few reconnect intervals, and signing works again.
        long deadline = System.nanoTime() + 15_000_000_000L;
        int status;
        do {
            Thread.sleep(300);
            status = given().when().get("/q/health/ready").then().extract().statusCode();
        } while (status != 200 && System.nanoTime() < deadline);
        assertEquals(200, status, "readiness did not recover");
        given().when().get("/q/health/ready").then().body("checks.name", hasItem("key-store"));
        enroll(station).then().statusCode(201);
        assertEquals(OCSPResp.SUCCESSFUL, ocspWithNonce().getStatus());
    }

    /** A nonce request: always freshly signed, so it needs the responder key in the token. */
    private static OCSPResp ocspWithNonce() throws Exception {
        X509CertificateHolder issuer = new X509CertificateHolder(given().when().get("/api/v1/cas/dev-issuing/certificate")
                .then().statusCode(200).extract().asByteArray());
        CertificateID id = new CertificateID(new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
                issuer, java.math.BigInteger.TEN);
        byte[] request = new OCSPReqBuilder().addRequest(id).setRequestExtensions(new Extensions(new Extension(
                OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false, new DEROctetString(new DEROctetString(new byte[16])))))
                .build().getEncoded();
        return new OCSPResp(given().contentType("application/ocsp-request").body(request).when().post("/ocsp")
                .then().statusCode(200).extract().asByteArray());
    }

    private static io.restassured.response.Response enroll(TestStation station) {
        return enroll(station, TestStation.newDeviceId());
    }

    private static io.restassured.response.Response enroll(TestStation station, String deviceId) {
        return given().header("Authorization", station.token(deviceId)).contentType(ContentType.JSON)
                .body(Map.of("profile", "operational", "csr", TestCsrs.pemFor(TestCsrs.ecP256())))
                .when().post("/api/v1/devices/" + deviceId + "/certificates");
    }

    /** PKCS#11 login state belongs to the application: logging out one session logs out FleetCA's too. */
    private static void logOutEverySession(String pin) throws Exception {
        Provider provider = Security.getProvider("SunPKCS11").configure(FleetCaTestResource.SUNPKCS11_CONFIG.toString());
        KeyStore.getInstance("PKCS11", provider).load(null, pin.toCharArray());
        ((AuthProvider) provider).logout();
    }
}
