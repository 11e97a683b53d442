package io.fleetca.ocsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.registry.RevocationFeed;
import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OCSP's status cache (issue 10): no database read per cached request, kept fresh by PostgreSQL
 * LISTEN/NOTIFY, and reading the database per request whenever notifications may have been missed.
 * Another instance is simulated by changing the ledger over JDBC, as that instance's transaction would.
 */
@QuarkusTest
class OcspStatusCacheTest {

    @Inject
    RevocationFeed feed;

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry meters;

    @AfterEach
    void listenAgain() {
        feed.start();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertTrue(condition.getAsBoolean(), what);
    }

    private double reads(String source) {
        return meters.counter("fleetca.ocsp.status.reads", "source", source).count();
    }

    private static CertificateStatus status(X509CertificateHolder ca, Fixtures.Enrolled cert) throws Exception {
        byte[] request = OcspTest.request(null, OcspTest.certId(ca, cert.serialNumber(), CertificateID.HASH_SHA1));
        return OcspTest.verified(OcspTest.post(request), ca).getResponses()[0].getCertStatus();
    }

    /** Revokes as another instance would: the next change number, the row, and (optionally) the notification. */
    private void revokeDirectly(Fixtures.Enrolled cert, boolean notify) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            long change;
            try (PreparedStatement s = c.prepareStatement("UPDATE revocation_clock SET seq = seq + 1 WHERE id = 1 RETURNING seq");
                 ResultSet r = s.executeQuery()) {
                r.next();
                change = r.getLong(1);
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE certificate SET status = 'REVOKED', revoked_at = now(),"
                    + " revocation_reason = 'keyCompromise', revocation_seq = ? WHERE serial = ?")) {
                s.setLong(1, change);
                s.setString(2, cert.serialNumber().toString(16));
                assertEquals(1, s.executeUpdate());
            }
            if (notify) {
                try (PreparedStatement s = c.prepareStatement("SELECT pg_notify('fleetca_revocation', ?)")) {
                    s.setString(1, Long.toString(change));
                    s.executeQuery().close();
                }
            }
            c.commit();
            c.setAutoCommit(true);
        }
    }

    private Fixtures.Enrolled cachedGood() throws Exception {
        Fixtures.Enrolled cert = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        await("the revocation listener is connected and caught up", feed::fresh);
        assertNull(status(cert.issuer(), cert), "good");
        await("the revocation listener is connected and caught up", feed::fresh);
        double database = reads("database");
        double memory = reads("memory");
        double repeated = meters.counter("fleetca.ocsp.requests", "result", "repeated").count();
        assertNull(status(cert.issuer(), cert), "good");
        assertEquals(database, reads("database"), "the second request reads no database");
        assertEquals(memory + 1, reads("memory"));
        // The very same request bytes: answered from memory on the event loop (RepeatedRequests); the tests
        // below then show that path never outlives a revocation.
        assertEquals(repeated + 1, meters.counter("fleetca.ocsp.requests", "result", "repeated").count());
        return cert;
    }

    @Test
    void revocationOnThisInstanceIsAnsweredAtOnce() throws Exception {
        Fixtures.Enrolled cert = cachedGood();
        Fixtures.revoke(cert.serial(), "keyCompromise").then().statusCode(200);
        RevokedStatus revoked = assertInstanceOf(RevokedStatus.class, status(cert.issuer(), cert));
        assertEquals(CRLReason.keyCompromise, revoked.getRevocationReason());
    }

    @Test
    void anotherInstancesRevocationArrivesByNotification() throws Exception {
        Fixtures.Enrolled cert = cachedGood();
        revokeDirectly(cert, true);
        await("the notified revocation is answered", () -> {
            try {
                return status(cert.issuer(), cert) instanceof RevokedStatus;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void withoutTheListenerEveryRequestReadsTheDatabase() throws Exception {
        Fixtures.Enrolled cert = cachedGood();
        feed.stop();
        revokeDirectly(cert, false);
        assertInstanceOf(RevokedStatus.class, status(cert.issuer(), cert), "read per request while not listening");
        feed.start();
        await("listening again", feed::fresh);
    }

    @Test
    void aLostListenerReconnectsAndForgetsWhatItMayHaveMissed() throws Exception {
        Fixtures.Enrolled cert = cachedGood();
        long connects = feed.connects();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ?"
                        + " AND datname = current_database()")) {
            s.setString(1, RevocationFeed.APPLICATION_NAME);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertEquals(1, r.getInt(1), "one listener backend");
            }
        }
        revokeDirectly(cert, false); // missed: nobody listens, and no notification is sent anyway
        await("the listener reconnects", () -> feed.connects() > connects && feed.fresh());
        assertInstanceOf(RevokedStatus.class, status(cert.issuer(), cert), "nothing cached survives the reconnect");
        Fixtures.Enrolled other = cachedGood();
        revokeDirectly(other, true);
        await("notifications arrive again", () -> {
            try {
                return status(other.issuer(), other) instanceof RevokedStatus;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
