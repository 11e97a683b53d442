package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hibernate.Session;

/**
 * Plain JDBC statements on the connection of the caller's transaction (the one Hibernate uses, so its row
 * locks and writes are the transaction's), for the statements every enrollment runs. Why not Hibernate's
 * native queries: each of those pays for a query plan lookup, a result-set mapping and an auto-flush check
 * of the persistence context; on the enrollment path that was about a quarter of FleetCA's CPU per
 * certificate for a dozen one-row statements (issue 10). The driver caches the server-side prepared
 * statement per connection and SQL text (PostgreSQL's prepareThreshold), so preparing per call is cheap.
 * Nothing here flushes the persistence context: callers use it only in transactions whose entity changes
 * (if any) these statements do not read.
 * Values bound: String, Instant (as a timestamp with time zone), Long, Integer, Boolean, byte[], null.
 * Values read: as the driver returns them; timestamps through {@link Sql#instant}.
 */
@ApplicationScoped
class TransactionSql {

    @Inject
    EntityManager em;

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "quarkus.datasource.db-kind")
    String dbKind;

    /** An INSERT, UPDATE or DELETE; the number of rows it changed. */
    int update(String sql, Object... params) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                return ps.executeUpdate();
            }
        });
    }

    /** One statement run for each parameter row, as one JDBC batch; the rows each changed. */
    int[] batch(String sql, List<Object[]> paramRows) {
        return em.unwrap(Session.class).doReturningWork(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Object[] params : paramRows) {
                    bind(ps, params);
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
    }

    /** A query's rows, each as its columns' values. */
    List<Object[]> rows(String sql, Object... params) {
        return em.unwrap(Session.class).doReturningWork(c -> query(c, sql, params));
    }

    /**
     * A query's rows read without the persistence context, for callers that may run outside a transaction
     * (the station lookup of every token check): a pooled connection, or in a transaction the one Agroal
     * enlisted in it.
     */
    List<Object[]> read(String sql, Object... params) {
        try (Connection c = dataSource.getConnection()) {
            return query(c, sql, params);
        } catch (SQLException e) {
            throw new org.hibernate.exception.GenericJDBCException("read failed", e);
        }
    }

    private static List<Object[]> query(Connection c, String sql, Object[] params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                List<Object[]> out = new ArrayList<>(1);
                while (rs.next()) {
                    Object[] row = new Object[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getObject(i + 1);
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    /** Whether a query returns at least one row. */
    boolean exists(String sql, Object... params) {
        return !rows(sql, params).isEmpty();
    }

    /**
     * The row lock a reader takes to keep a row from changing until its transaction ends while other readers
     * take it too: PostgreSQL's FOR SHARE; H2 (the embedded default) has only FOR UPDATE, which serializes
     * those readers on one instance's embedded database instead.
     */
    String shareLock() {
        return "postgresql".equals(dbKind) ? "FOR SHARE" : "FOR UPDATE";
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            int at = i + 1;
            switch (p) {
                case null -> ps.setNull(at, Types.NULL);
                case String s -> ps.setString(at, s);
                case Instant t -> ps.setObject(at, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
                case Long l -> ps.setLong(at, l);
                case Integer n -> ps.setInt(at, n);
                case Boolean b -> ps.setBoolean(at, b);
                case byte[] bytes -> ps.setBytes(at, bytes);
                default -> throw new IllegalArgumentException("cannot bind a " + p.getClass().getName());
            }
        }
    }
}
