package io.fleetca.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.Fixtures;
import io.fleetca.testing.TestStation;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The ledger's indexes on PostgreSQL (V15): the plans kept for its point statements, and the constraint the index
 * of revoked rows relies on.
 * <p>
 * The plans: the driver prepares each enrollment and OCSP statement on the server, and the server keeps one generic
 * plan per statement and connection, made after a few executions: on a new installation, while the ledger is empty
 * and has no statistics, when every index costs the same. Each statement, planned generically on empty copies of the
 * ledger's tables (their indexes as the migrations left them), must use an index that finds its row: before V15 the
 * recording's read of the reserved row took (issuer_id, revocation_seq) and walked every certificate of the issuer,
 * 1.7 ms per enrollment at 24,000.
 */
@QuarkusTest
class LedgerIndexesTest {

    private static final String PROBE = "ledger_plan_probe";
    private static final Pattern INDEX_USED = Pattern.compile("Index (?:Only )?Scan(?: Backward)? using (\\S+) on certificate\\b");

    @Inject
    DataSource dataSource;

    @Test
    void eachPointStatementUsesAnIndexOfItsRowOnAnEmptyLedger() throws SQLException {
        // A connection of its own, not the pool's: its search_path, plan_cache_mode and prepared statement must
        // not reach a connection FleetCA uses.
        Config config = ConfigProvider.getConfig();
        try (Connection c = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
             Statement st = c.createStatement()) {
            String ledger = single(st, "SELECT current_schema()");
            st.execute("DROP SCHEMA IF EXISTS " + PROBE + " CASCADE");
            st.execute("CREATE SCHEMA " + PROBE);
            st.execute("CREATE TABLE " + PROBE + ".certificate_authority (LIKE " + ledger + ".certificate_authority INCLUDING INDEXES)");
            st.execute("CREATE TABLE " + PROBE + ".certificate (LIKE " + ledger + ".certificate INCLUDING INDEXES)");
            st.execute("SET search_path = " + PROBE);
            st.execute("SET plan_cache_mode = force_generic_plan");
            try {
                List<String> bySerial = List.of("(serial)", "(issuer_id, serial)");
                assertUses(st, IssuanceLedger.RECORDING_READ, "'ca', 's'", bySerial);
                assertUses(st, IssuanceLedger.STATE, "'ca', 's'", bySerial);
                assertUses(st, IssuanceLedger.KEY_COMPROMISED, "'k'", List.of("(spki_sha256)"));
                assertUses(st, RevocationLedger.LAST_CHANGE, "'ca'", List.of("WHERE (revocation_seq IS NOT NULL)"));
                // The serials being signed and those never issued, as (issuer_id, status = 'RESERVED') found them before.
                List<String> reserved = new ArrayList<>(bySerial);
                reserved.add("WHERE ((status)::text = 'RESERVED'::text)");
                assertUses(st, IssuanceLedger.RECORDING_UPDATE, "'\\x00', now(), 'ca', 's'", reserved);
            } finally {
                st.execute("DROP SCHEMA " + PROBE + " CASCADE");
            }
        }
    }

    /**
     * The CRL read finds revoked rows by their revocation time (the partial index keyed on it): the database refuses
     * a revoked row without one, which no CRL would list, and writes nothing.
     */
    @Test
    void aRevokedRowWithoutItsRevocationTimeIsRefused() throws SQLException {
        Fixtures.Enrolled device = Fixtures.enroll(TestStation.register(), TestStation.newDeviceId());
        String serial = new BigInteger(120, new SecureRandom()).setBit(119).toString(16);
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO certificate (issuer_id, serial, status, device_id, station_id, profile, spki_sha256, not_before,"
                        + " not_after, reserved_at, revocation_reason) SELECT issuer_id, ?, 'REVOKED', device_id, station_id,"
                        + " profile, spki_sha256, not_before, not_after, reserved_at, 'keyCompromise' FROM certificate"
                        + " WHERE serial = ?")) {
            insert.setString(1, serial);
            insert.setString(2, device.serial());
            SQLException refused = assertThrows(SQLException.class, insert::executeUpdate);
            assertEquals("23514", refused.getSQLState(), "check_violation: " + refused.getMessage());
            try (Statement st = c.createStatement()) {
                assertEquals("0", single(st, "SELECT COUNT(*) FROM certificate WHERE serial = '" + serial + "'"));
            }
        }
    }

    /** The statement's generic plan reads certificate through an index whose definition contains one of {@code allowed}. */
    private static void assertUses(Statement st, String sql, String arguments, List<String> allowed) throws SQLException {
        st.execute("PREPARE probe AS " + numbered(sql));
        try {
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE probe(" + arguments + ")")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            Matcher m = INDEX_USED.matcher(plan);
            assertTrue(m.find(), "no index scan of certificate for " + sql + ":\n" + plan);
            String definition = single(st, "SELECT indexdef FROM pg_indexes WHERE schemaname = '" + PROBE
                    + "' AND indexname = '" + m.group(1) + "'");
            assertTrue(allowed.stream().anyMatch(definition::contains), sql + "\nreads certificate through " + definition
                    + ", not one of the indexes of its row " + allowed + ":\n" + plan);
        } finally {
            st.execute("DEALLOCATE probe");
        }
    }

    /** JDBC's and JPA's parameters (? and ?N) as PostgreSQL's $N. */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        Matcher m = Pattern.compile("\\?(\\d*)").matcher(sql);
        int n = 0;
        while (m.find()) {
            m.appendReplacement(out, "\\$" + (m.group(1).isEmpty() ? ++n : Integer.parseInt(m.group(1))));
        }
        return m.appendTail(out).toString();
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
