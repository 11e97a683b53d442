package io.fleetca.revocation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.enrollment.EnrollmentTest;
import io.fleetca.ocsp.OcspTest;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.RowLockWaits;
import io.fleetca.testing.TestCsrs;
import io.fleetca.testing.TestStation;
import io.fleetca.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.math.BigInteger;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.junit.jupiter.api.Test;

/**
 * keyCompromise reaches every certificate of the key (issue 9, item 1): when a revoked certificate's
 * reason is upgraded, and in bulk revocation.
 */
@QuarkusTest
public class KeyCompromiseTest {

    static final String P = "https://fleetca.io/problems/";

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    /** A device whose operational and idevid certificates share one key. */
    record SharedKey(String deviceId, KeyPair key, Fixtures.Enrolled operational, String idevid) {}

    static SharedKey sharedKey(TestStation station) {
        KeyPair key = TestCsrs.ecP256();
        String device = TestStation.newDeviceId();
        Fixtures.Enrolled operational = Fixtures.enroll(station, device, key);
        Response idevid = EnrollmentTest.enroll(station, device, "idevid", TestCsrs.pemFor(key));
        idevid.then().statusCode(201);
        return new SharedKey(device, key, operational, idevid.path("serial"));
    }

    public static SingleResp ocsp(X509CertificateHolder issuer, String serial) throws Exception {
        return OcspTest.verified(OcspTest.post(OcspTest.request(null,
                OcspTest.certId(issuer, new BigInteger(serial, 16), CertificateID.HASH_SHA1))), issuer).getResponses()[0];
    }

    static int reason(X509CRLEntryHolder entry) {
        return CRLReason.getInstance(entry.getExtensions().getExtension(Extension.reasonCode).getParsedValue())
                .getValue().intValue();
    }

    static void assertRevokedForKeyCompromise(X509CertificateHolder issuer, String serial) throws Exception {
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + serial)
                .then().statusCode(200).body("status", equalTo("REVOKED")).body("revocationReason", equalTo("keyCompromise"));
        RevokedStatus status = assertInstanceOf(RevokedStatus.class, ocsp(issuer, serial).getCertStatus(),
                "OCSP says revoked for " + serial);
        assertEquals(CRLReason.keyCompromise, status.getRevocationReason());
    }

    @Test
    void aRevokedCertificatesReasonIsUpgradedToKeyCompromiseAndTheKeyDiesWithIt() throws Exception {
        TestStation station = TestStation.register();
        SharedKey k = sharedKey(station);
        X509CertificateHolder issuer = k.operational().issuer();
        String serial = k.operational().serial();
        Instant invalid = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

        Response first = Fixtures.revoke(serial, "superseded");
        first.then().statusCode(200).body("changed", equalTo(true));
        String revokedAt = first.path("certificate.revokedAt");
        X509CRLHolder before = CrlTest.await(CrlTest.FULL, c -> c.getRevokedCertificate(k.operational().serialNumber()) != null);
        assertEquals(CRLReason.superseded, reason(before.getRevokedCertificate(k.operational().serialNumber())));
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + k.idevid())
                .then().body("status", equalTo("ISSUED"));

        // Any other change of a revoked certificate's reason changes nothing.
        Fixtures.revoke(serial, "cessationOfOperation").then().statusCode(200).body("changed", equalTo(false))
                .body("message", containsString("only be changed to keyCompromise"))
                .body("certificate.revocationReason", equalTo("superseded"));

        Fixtures.revoke(serial, Map.of("reason", "keyCompromise", "invalidityDate", invalid.toString()))
                .then().statusCode(200).body("changed", equalTo(true))
                .body("certificate.revocationReason", equalTo("keyCompromise"))
                .body("certificate.revokedAt", equalTo(revokedAt))
                .body("certificate.invalidityDate", equalTo(invalid.toString()))
                .body("message", containsString("1 other certificate(s) of the same key revoked"));
        assertRevokedForKeyCompromise(issuer, serial);
        assertRevokedForKeyCompromise(issuer, k.idevid());
        Fixtures.revoke(serial, "keyCompromise").then().statusCode(200).body("changed", equalTo(false));

        // The delta CRL (changes since the complete CRL that said superseded) carries the new reason, old date.
        X509CRLHolder delta = CrlTest.await(CrlTest.DELTA, c -> {
            X509CRLEntryHolder e = c.getRevokedCertificate(k.operational().serialNumber());
            return e != null && reason(e) == CRLReason.keyCompromise;
        });
        assertEquals(Instant.parse(revokedAt), delta.getRevokedCertificate(k.operational().serialNumber())
                .getRevocationDate().toInstant(), "RFC 5280 §5.3.1: the revocation date stays when it was revoked");
        X509CRLHolder full = CrlTest.await(CrlTest.FULL, c -> {
            X509CRLEntryHolder e = c.getRevokedCertificate(k.operational().serialNumber());
            return e != null && reason(e) == CRLReason.keyCompromise;
        });
        assertEquals(CRLReason.keyCompromise, reason(full.getRevokedCertificate(new BigInteger(k.idevid(), 16))));

        // The key is never certified again, for this device or any profile.
        EnrollmentTest.enroll(station, k.deviceId(), "idevid", TestCsrs.pemFor(k.key()))
                .then().statusCode(400).body("type", equalTo(P + "compromised-key"));
        given().header("Authorization", TestTokens.auditor()).queryParam("size", 200).when().get("/api/v1/audit")
                .then().statusCode(200).body("items.findAll { it.action == 'certificate.revoked' && it.target == 'certificate:"
                        + serial + "' }.size()", equalTo(2));
    }

    @Test
    void bulkKeyCompromiseRevokesEveryCertificateOfTheKeysAndUpgradesRevokedOnes() throws Exception {
        TestStation station = TestStation.register();
        SharedKey k = sharedKey(station);
        X509CertificateHolder issuer = k.operational().issuer();
        Fixtures.Enrolled earlier = Fixtures.enroll(station, TestStation.newDeviceId());
        Response superseded = Fixtures.revoke(earlier.serial(), "superseded");
        String earlierRevokedAt = superseded.path("certificate.revokedAt");
        Fixtures.Enrolled bystander = Fixtures.enroll(station, TestStation.newDeviceId());

        Response job = Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise",
                "serials", List.of(k.operational().serial(), earlier.serial())));
        job.then().statusCode(201).body("status", equalTo("COMPLETED")).body("revoked", equalTo(3));

        assertRevokedForKeyCompromise(issuer, k.operational().serial());
        assertRevokedForKeyCompromise(issuer, k.idevid());
        assertRevokedForKeyCompromise(issuer, earlier.serial());
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + earlier.serial())
                .then().body("revokedAt", equalTo(earlierRevokedAt));
        assertNull(ocsp(issuer, bystander.serial()).getCertStatus(), "an unrelated certificate stays good");
        EnrollmentTest.enroll(station, k.deviceId(), "idevid", TestCsrs.pemFor(k.key()))
                .then().statusCode(400).body("type", equalTo(P + "compromised-key"));
        EnrollmentTest.enroll(station, earlier.deviceId(), "operational", TestCsrs.pemFor(earlier.key()))
                .then().statusCode(400).body("type", equalTo(P + "compromised-key"));
    }

    /**
     * An enrollment being recorded holds its device row (IssuanceLedger.recordIssued locks it, then checks the
     * key). This test plays that part over JDBC: while it holds the row, a bulk keyCompromise of the device's
     * other certificate must wait for it and then revoke the certificate it recorded; it may not commit past it
     * and leave that certificate good.
     */
    @Test
    void bulkKeyCompromiseWaitsForAnEnrollmentOfTheKeyBeingRecorded() throws Exception {
        TestStation station = TestStation.register();
        Fixtures.Enrolled operational = Fixtures.enroll(station, TestStation.newDeviceId());
        String recorded = "7e" + Long.toHexString(System.nanoTime()) + "01";
        CompletableFuture<Integer> bulk;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT status FROM device WHERE id = ? FOR UPDATE")) {
                lock.setString(1, operational.deviceId());
                lock.executeQuery().close();
            }
            bulk = CompletableFuture.supplyAsync(() -> Fixtures.admin("/api/v1/revocations", Map.of("reason", "keyCompromise",
                    "serials", List.of(operational.serial()))).then().statusCode(201).extract().path("revoked"));
            // Wait until the bulk revocation is either blocked on a row lock or done.
            Instant deadline = Instant.now().plusSeconds(30);
            while (!bulk.isDone() && !RowLockWaits.anyWaiting(dataSource)) {
                assertTrue(Instant.now().isBefore(deadline), "the bulk revocation neither finished nor waited");
                Thread.sleep(50);
            }
            // The enrollment's record: an idevid certificate of the same key, issued.
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO certificate (issuer_id, serial, status, device_id,"
                    + " station_id, profile, spki_sha256, not_before, not_after, der, reserved_at, issued_at)"
                    + " SELECT issuer_id, ?, 'ISSUED', device_id, station_id, 'idevid', spki_sha256, not_before, not_after,"
                    + " der, reserved_at, now() FROM certificate WHERE serial = ?")) {
                insert.setString(1, recorded);
                insert.setString(2, operational.serial());
                assertEquals(1, insert.executeUpdate());
            }
            c.commit();
        }
        assertEquals(2, bulk.get(60, TimeUnit.SECONDS), "the operational and the concurrently recorded idevid certificate");
        given().header("Authorization", TestTokens.auditor()).when().get("/api/v1/certificates/" + recorded)
                .then().statusCode(200).body("status", equalTo("REVOKED")).body("revocationReason", equalTo("keyCompromise"));
    }
}
