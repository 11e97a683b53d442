package io.fleetca.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which failures are the database being unreachable (503 / tryLater) and which are FleetCA's own (500). */
class DatabaseOutageTest {

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("pgjdbc: connection refused (08001)", new SQLException("Connection to 127.0.0.1:5432 refused", "08001"), true),
                Arguments.of("pgjdbc: I/O error mid-statement (08006)", new SQLException("An I/O error occurred", "08006"), true),
                Arguments.of("PostgreSQL admin shutdown (57P01)", new SQLException("terminating connection", "57P01"), true),
                Arguments.of("PostgreSQL starting up (57P03)", new SQLException("the database system is starting up", "57P03"), true),
                Arguments.of("transient connection type", new SQLTransientConnectionException("gone"), true),
                Arguments.of("non-transient connection type", new SQLNonTransientConnectionException("gone"), true),
                Arguments.of("Agroal acquisition timeout", new SQLException("Acquisition timeout while waiting for new connection"), true),
                Arguments.of("wrapped twice", new IllegalStateException("tx", new RuntimeException(new SQLException("x", "08003"))), true),
                Arguments.of("a failed commit: the driver's error suppressed", commitFailed(), true),
                Arguments.of("unique violation (23505)", new SQLException("duplicate key", "23505"), false),
                Arguments.of("syntax error (42601)", new SQLException("syntax", "42601"), false),
                Arguments.of("serialization failure (40001)", new SQLException("could not serialize", "40001"), false),
                Arguments.of("no SQL at all", new IllegalStateException("a bug"), false),
                Arguments.of("null", null, false));
    }

    /** What Narayana throws when the commit's connection died: the XAException is suppressed, not a cause. */
    private static Throwable commitFailed() {
        RuntimeException rollback = new RuntimeException("ARJUNA016053: Could not commit transaction.");
        javax.transaction.xa.XAException xa = new javax.transaction.xa.XAException("Error trying to transactionCommit");
        xa.initCause(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
        rollback.addSuppressed(xa);
        return new IllegalStateException(rollback);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void classifies(String row, Throwable failure, boolean outage) {
        assertEquals(outage, DatabaseOutage.isCause(failure));
    }
}
