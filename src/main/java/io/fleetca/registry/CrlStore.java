package io.fleetca.registry;

import io.fleetca.common.ChunkedBytes;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.hibernate.Session;

/**
 * Published CRLs, CRL numbers and the build lease, plus the consistent read of revoked entries a
 * build streams from. All shared through the database, so every instance serves the same CRLs and
 * numbers only grow.
 */
@ApplicationScoped
public class CrlStore {

    /** Rows fetched per round trip while streaming entries (a cursor, not the whole result set). */
    private static final int FETCH_SIZE = 5000;
    /** Bytes per query when reading a stored CRL. */
    private static final int READ_SLICE = 4 * 1024 * 1024;

    @Inject
    EntityManager em;

    @Inject
    DataSource dataSource;

    private static final String COLUMNS =
            "ca_id, crl_number, delta, base_number, this_update, next_update, revocation_seq, entries, build_millis, sha256";

    /**
     * Takes the CA's build lease if it is free, expired or already ours (own transaction).
     * A second instance finding it taken skips the build; numbers stay unique either way.
     */
    public boolean tryLease(String caId, String holder, Instant now, Instant until) {
        return QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("INSERT INTO crl_state (ca_id, last_number) VALUES (?1, 0) ON CONFLICT DO NOTHING")
                    .setParameter(1, caId).executeUpdate();
            return em.createNativeQuery("UPDATE crl_state SET lease_holder = ?1, lease_until = ?2 WHERE ca_id = ?3"
                            + " AND (lease_until IS NULL OR lease_until < ?4 OR lease_holder = ?1)")
                    .setParameter(1, holder).setParameter(2, until).setParameter(3, caId).setParameter(4, now)
                    .executeUpdate() == 1;
        });
    }

    public void releaseLease(String caId, String holder) {
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "UPDATE crl_state SET lease_holder = NULL, lease_until = NULL WHERE ca_id = ?1 AND lease_holder = ?2")
                .setParameter(1, caId).setParameter(2, holder).executeUpdate());
    }

    /**
     * Reserves {@code count} consecutive CRL numbers and commits before anything is signed, so no
     * two CRLs of a CA ever share a number (RFC 5280 §5.2.3), across restarts and instances.
     * Returns the first.
     */
    public long reserveNumbers(String caId, int count) {
        return QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("INSERT INTO crl_state (ca_id, last_number) VALUES (?1, 0) ON CONFLICT DO NOTHING")
                    .setParameter(1, caId).executeUpdate();
            em.createNativeQuery("UPDATE crl_state SET last_number = last_number + ?1 WHERE ca_id = ?2")
                    .setParameter(1, count).setParameter(2, caId).executeUpdate();
            long last = ((Number) em.createNativeQuery("SELECT last_number FROM crl_state WHERE ca_id = ?1")
                    .setParameter(1, caId).getSingleResult()).longValue();
            return last - count + 1;
        });
    }

    /**
     * Stores a complete CRL and its delta together (readers never see a new complete CRL with an
     * older delta) and removes CRLs older than the delta's base, which is still needed (own transaction).
     * Returns false, storing nothing, when a CRL with a higher number or a newer snapshot is already
     * published (a build that outlived its lease): numbers and contents only ever move forward.
     */
    public boolean publish(PublishedCrl full, ChunkedBytes fullDer, PublishedCrl delta, ChunkedBytes deltaDer) {
        return QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("SELECT ca_id FROM crl_state WHERE ca_id = ?1 FOR UPDATE")
                    .setParameter(1, full.caId()).getResultList();
            long newer = ((Number) em.createNativeQuery("SELECT COUNT(*) FROM crl WHERE ca_id = ?1"
                            + " AND (crl_number > ?2 OR revocation_seq > ?3)")
                    .setParameter(1, full.caId()).setParameter(2, delta.number()).setParameter(3, full.revocationSeq())
                    .getSingleResult()).longValue();
            if (newer > 0) {
                return false;
            }
            insert(full, fullDer);
            insert(delta, deltaDer);
            em.createNativeQuery("DELETE FROM crl WHERE ca_id = ?1 AND crl_number < ?2")
                    .setParameter(1, delta.caId()).setParameter(2, delta.baseNumber()).executeUpdate();
            return true;
        });
    }

    /**
     * Plain JDBC on the transaction's connection: the DER goes to the driver as a stream of known length
     * (PostgreSQL's driver writes it to the socket as it reads), never as a second 49 MiB array.
     */
    private void insert(PublishedCrl crl, ChunkedBytes der) {
        em.unwrap(Session.class).doWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO crl (" + COLUMNS + ", der) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, crl.caId());
                ps.setLong(2, crl.number());
                ps.setBoolean(3, crl.delta());
                if (crl.baseNumber() == null) {
                    ps.setNull(4, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(4, crl.baseNumber());
                }
                ps.setObject(5, OffsetDateTime.ofInstant(crl.thisUpdate(), ZoneOffset.UTC));
                ps.setObject(6, OffsetDateTime.ofInstant(crl.nextUpdate(), ZoneOffset.UTC));
                ps.setLong(7, crl.revocationSeq());
                ps.setLong(8, crl.entries());
                ps.setLong(9, crl.buildMillis());
                ps.setString(10, crl.sha256());
                ps.setBinaryStream(11, der.inputStream(), der.size());
                ps.executeUpdate();
            }
        });
    }

    /** The newest full (delta = false) or delta CRL of a CA. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<PublishedCrl> latest(String caId, boolean delta) {
        List<?> rows = em.createNativeQuery("SELECT " + COLUMNS + " FROM crl WHERE ca_id = ?1 AND delta = ?2"
                        + " ORDER BY crl_number DESC LIMIT 1")
                .setParameter(1, caId).setParameter(2, delta).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        return Optional.of(new PublishedCrl((String) r[0], ((Number) r[1]).longValue(), (Boolean) r[2],
                r[3] == null ? null : ((Number) r[3]).longValue(), Sql.instant(r[4]), Sql.instant(r[5]),
                ((Number) r[6]).longValue(), ((Number) r[7]).longValue(), ((Number) r[8]).longValue(), (String) r[9]));
    }

    /**
     * The DER of a stored CRL, read in slices of {@value #READ_SLICE} bytes: the driver receives a bytea
     * as one message (in text form twice its size), so a 49 MiB CRL read whole would need about three times
     * that in heap at once. Slices of an uncompressed value are read without decompressing the rest
     * (PostgreSQL: the column is STORAGE EXTERNAL, V12).
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ChunkedBytes> der(String caId, long number) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            long length;
            try (PreparedStatement ps = c.prepareStatement("SELECT octet_length(der) FROM crl WHERE ca_id = ? AND crl_number = ?")) {
                ps.setString(1, caId);
                ps.setLong(2, number);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<ChunkedBytes>empty();
                    }
                    length = rs.getLong(1);
                }
            }
            ChunkedBytes der = new ChunkedBytes();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT substring(der FROM ? FOR ?) FROM crl WHERE ca_id = ? AND crl_number = ?")) {
                for (long from = 0; from < length; from += READ_SLICE) {
                    ps.setInt(1, Math.toIntExact(from + 1)); // SQL positions start at 1; substring(bytea, int, int)
                    ps.setInt(2, READ_SLICE);
                    ps.setString(3, caId);
                    ps.setLong(4, number);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.<ChunkedBytes>empty(); // deleted meanwhile: a newer one is published
                        }
                        byte[] slice = rs.getBytes(1);
                        der.write(slice, 0, slice.length);
                    }
                }
            }
            return der.size() == length ? Optional.of(der) : Optional.<ChunkedBytes>empty();
        });
    }

    /**
     * Streams, from one REPEATABLE READ snapshot, the CA's revoked certificates that expire after
     * {@code notExpiredAt} (for the complete CRL) and those changed after revocation clock value
     * {@code deltaSince} (for the delta, with released holds marked removed), each row once. Returns the clock
     * value the snapshot shows: every change up to it is included, none after it. Rows are read
     * through a cursor, {@value #FETCH_SIZE} at a time, never as one list.
     * Must be called outside a transaction (it uses a connection of its own).
     */
    public long readSnapshot(String caId, Instant notExpiredAt, long deltaSince, SnapshotSink sink) {
        try (Connection c = dataSource.getConnection()) {
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                long seq;
                try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM revocation_clock WHERE id = 1");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    seq = rs.getLong(1);
                }
                // One scan for both CRLs (a million rows read once, not twice): each row says which it belongs to.
                // Times as whole epoch seconds (what a CRL carries, RFC 5280 §5.1.2.6): a number per row is far
                // cheaper for the driver than a timestamp text to parse, two per row, a million rows.
                // "revoked_at IS NOT NULL" adds nothing (every revoked row has it) but names the partial index
                // of revoked rows (V15), which is keyed on it so that no enrollment statement can pick it.
                try (PreparedStatement ps = c.prepareStatement("SELECT serial, CAST(FLOOR(EXTRACT(EPOCH FROM revoked_at)) AS BIGINT),"
                                + " revocation_reason, CAST(FLOOR(EXTRACT(EPOCH FROM invalidity_date)) AS BIGINT),"
                                + " status, revocation_seq > ? FROM certificate WHERE issuer_id = ? AND not_after > ?"
                                + " AND ((revoked_at IS NOT NULL AND status = 'REVOKED') OR revocation_seq > ?)",
                        ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                    ps.setFetchSize(FETCH_SIZE);
                    ps.setLong(1, deltaSince);
                    ps.setString(2, caId);
                    ps.setObject(3, OffsetDateTime.ofInstant(notExpiredAt, ZoneOffset.UTC));
                    ps.setLong(4, deltaSince);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            boolean revoked = CertificateStatus.REVOKED.name().equals(rs.getString(5));
                            RevokedEntry e = new RevokedEntry(rs.getString(1), epochSeconds(rs, 2), rs.getString(3),
                                    epochSeconds(rs, 4), !revoked);
                            // Released holds are in the delta only, marked removed (§5.3.1 removeFromCRL).
                            sink.accept(e, revoked, rs.getBoolean(6));
                        }
                    }
                }
                return seq;
            } finally {
                c.rollback();
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading revoked certificates of CA " + caId + " failed", e);
        }
    }

    /** Receives each row of a snapshot once, with the CRLs it belongs in. */
    @FunctionalInterface
    public interface SnapshotSink {
        void accept(RevokedEntry entry, boolean inComplete, boolean inDelta);
    }

    private static Instant epochSeconds(ResultSet rs, int column) throws SQLException {
        long seconds = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochSecond(seconds);
    }
}
