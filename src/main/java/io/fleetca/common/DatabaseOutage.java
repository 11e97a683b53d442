package io.fleetca.common;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * Tells a database that cannot be reached (down, restarting, the pool unable to connect) from a failure of
 * FleetCA's own: the first is a state of the service, answered 503 with Retry-After (REST, EST) or tryLater
 * (OCSP, RFC 6960 §2.3), never 500; readiness says DOWN meanwhile (the datasource health check). Judged on
 * the JDBC exception types and SQLSTATE classes (SQL:2011 class 08 connection exception; PostgreSQL 57P01-03
 * admin shutdown, crash shutdown, cannot connect now), whatever wraps them (Hibernate, the transaction manager).
 */
public final class DatabaseOutage {

    /** What a client is told to wait: PostgreSQL restarts in seconds; a longer outage keeps answering 503. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private DatabaseOutage() {}

    public static boolean isCause(Throwable failure) {
        return isCause(failure, 0);
    }

    /** Causes and suppressed exceptions (a failed commit carries the driver's error as a suppressed XAException). */
    private static boolean isCause(Throwable failure, int depth) {
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            for (Throwable suppressed : t.getSuppressed()) {
                if (isCause(suppressed, depth + 1)) {
                    return true;
                }
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.startsWith("57P0"))) {
                    return true;
                }
                String message = sql.getMessage();
                if (message != null && message.contains("Acquisition timeout")) {
                    return true; // Agroal: no connection could be had within the acquisition timeout
                }
            }
        }
        return false;
    }

    /** The problem a request gets while the database is unavailable. */
    public static FleetCaException problem() {
        return new FleetCaException(ProblemType.DATABASE_UNAVAILABLE, "the database is unavailable; retry later",
                RETRY_AFTER);
    }
}
