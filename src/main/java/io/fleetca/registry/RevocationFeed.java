package io.fleetca.registry;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells every instance which certificates' revocation state changed, so that what an instance remembers of
 * certificate states (OCSP's status cache) is never trusted past a change any instance committed.
 * <ul>
 *   <li>Every change ({@link RevocationLedger#nextChange()}) sends {@code NOTIFY fleetca_revocation} with its
 *       change number in its own transaction: PostgreSQL delivers it to every listener at commit, never for a
 *       rollback.</li>
 *   <li>One dedicated connection per instance (outside the pool, application_name
 *       {@value #APPLICATION_NAME}) LISTENs, waits for notifications in a daemon thread and checks every
 *       second that the server still answers. On a notification it catches up: the certificates whose
 *       revocation_seq lies between the last change it handled and the revocation clock now (change numbers
 *       follow commit order, see {@link RevocationLedger#nextChange()}) are handed to the {@link Subscriber},
 *       which forgets them; more than {@value #MOST_PER_CATCH_UP} at once, and it forgets everything.</li>
 *   <li>{@link #fresh()} is true only while the listener is connected, the server answered within the last
 *       {@value #ALIVE_SECONDS} seconds and the listener has caught up with every change committed by this
 *       instance (so the instance where a revocation commits reads the database until its own notification
 *       is handled: its next answer says revoked). While it is false (start-up, lost connection, H2 which has
 *       no LISTEN) callers read the database. On every loss or regain of the connection the subscriber
 *       forgets everything (notifications may have been missed meanwhile).</li>
 * </ul>
 */
@ApplicationScoped
public class RevocationFeed {

    private static final Logger LOG = Logger.getLogger(RevocationFeed.class);
    static final String CHANNEL = "fleetca_revocation";
    /** How the listener's backend is named in pg_stat_activity. */
    public static final String APPLICATION_NAME = "fleetca-revocation-listener";
    private static final int WAIT_MILLIS = 250;
    private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int ALIVE_SECONDS = 3;
    private static final long ALIVE_NANOS = TimeUnit.SECONDS.toNanos(ALIVE_SECONDS);
    private static final long RETRY_MILLIS = 1000;
    static final int MOST_PER_CATCH_UP = 10_000;

    /** Whoever remembers certificate states. */
    public interface Subscriber {
        /** These certificates changed ({@code issuerId + "/" + serial}). */
        void changed(java.util.Collection<String> certificates);

        /** Anything may have changed. */
        void forgetAll();
    }

    private volatile Subscriber subscriber = new Subscriber() {
        @Override
        public void changed(java.util.Collection<String> certificates) {}

        @Override
        public void forgetAll() {}
    };
    /** The last change handled by the listener. */
    private volatile long caughtUp = Long.MAX_VALUE;
    /** The newest change this instance committed. */
    private final AtomicLong committedHere = new AtomicLong();

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    Optional<String> url;

    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> username;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    @Inject
    TransactionSynchronizationRegistry transactions;

    private final AtomicLong connects = new AtomicLong();
    private volatile boolean connected;
    /** System.nanoTime() of the server's last answer on the listening connection. */
    private volatile long aliveAt;
    private volatile boolean running;
    private volatile Connection connection;
    private Thread thread;

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    private boolean postgres() {
        return "postgresql".equals(dbKind) && url.filter(u -> u.startsWith("jdbc:postgresql:")).isPresent();
    }

    /** Starts listening (PostgreSQL only); idempotent. */
    public synchronized void start() {
        if (running || !postgres()) {
            return;
        }
        running = true;
        thread = new Thread(this::listen, "fleetca-revocation-listener");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops listening; from now on {@link #fresh()} is false. */
    public synchronized void stop() {
        running = false;
        Thread t = thread;
        thread = null;
        if (t == null) {
            return;
        }
        t.interrupt();
        closeQuietly(connection); // unblocks a wait on the socket
        try {
            t.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void subscribe(Subscriber s) {
        subscriber = s;
    }

    /** True while every committed change reaches this instance within about a second. */
    public boolean fresh() {
        return connected && System.nanoTime() - aliveAt < ALIVE_NANOS && caughtUp >= committedHere.get();
    }

    /** How often the listener has (re)connected since start. */
    public long connects() {
        return connects.get();
    }

    /**
     * In the transaction of revocation change {@code change}: notify every instance at commit; once it has
     * committed, this instance is not {@link #fresh()} until the listener has handled that change.
     */
    void changed(EntityManager em, long change) {
        if ("postgresql".equals(dbKind)) {
            em.createNativeQuery("SELECT pg_notify('" + CHANNEL + "', ?1)").setParameter(1, Long.toString(change))
                    .getSingleResult();
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status != jakarta.transaction.Status.STATUS_ROLLEDBACK) {
                    committedHere.accumulateAndGet(change, Math::max);
                }
            }
        });
    }

    private void listen() {
        while (running) {
            try (Connection c = connect()) {
                connection = c;
                if (!running) {
                    return;
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                // Only now is every later commit certain to reach us; what was remembered before may be stale.
                subscriber.forgetAll();
                caughtUp = clock(c);
                aliveAt = System.nanoTime();
                connected = true;
                if (connects.incrementAndGet() > 1) {
                    LOG.info("revocation notifications received again");
                }
                long pingedAt = aliveAt;
                while (running) {
                    PGNotification[] received = pg.getNotifications(WAIT_MILLIS);
                    if (received != null && received.length > 0) {
                        catchUp(c);
                    }
                    if (System.nanoTime() - pingedAt >= PING_NANOS) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                        pingedAt = System.nanoTime();
                        aliveAt = pingedAt;
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    LOG.warnf("revocation notifications lost (%s); OCSP reads certificate status per request until"
                            + " the listener reconnects", e.getMessage());
                }
            } finally {
                connected = false;
                subscriber.forgetAll();
                connection = null;
            }
            try {
                Thread.sleep(RETRY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long clock(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT seq FROM revocation_clock WHERE id = 1")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    /** Hands the certificates changed since the last catch-up to the subscriber. */
    private void catchUp(Connection c) throws SQLException {
        long now = clock(c);
        if (now <= caughtUp) {
            return;
        }
        List<String> changed = new ArrayList<>();
        // One index range per CA (certificate_issuer_revocation_seq_idx).
        try (PreparedStatement s = c.prepareStatement("SELECT c.issuer_id, c.serial FROM certificate_authority a"
                + " JOIN certificate c ON c.issuer_id = a.id AND c.revocation_seq > ? AND c.revocation_seq <= ? LIMIT ?")) {
            s.setLong(1, caughtUp);
            s.setLong(2, now);
            s.setInt(3, MOST_PER_CATCH_UP + 1);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    changed.add(r.getString(1) + "/" + r.getString(2));
                }
            }
        }
        if (changed.size() > MOST_PER_CATCH_UP) {
            subscriber.forgetAll();
        } else {
            subscriber.changed(changed);
        }
        caughtUp = now;
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        username.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", APPLICATION_NAME);
        props.setProperty("socketTimeout", "5"); // a silent network loss ends the ping instead of hanging
        props.setProperty("connectTimeout", "5");
        props.setProperty("tcpKeepAlive", "true");
        Connection c = new org.postgresql.Driver().connect(url.orElseThrow(), props);
        if (c == null) {
            throw new SQLException("not a PostgreSQL URL");
        }
        c.setAutoCommit(true);
        return c;
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // closing a broken connection
            }
        }
    }
}
