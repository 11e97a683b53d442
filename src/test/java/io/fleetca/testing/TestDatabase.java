package io.fleetca.testing;

/** Where the test PostgreSQL is: FLEETCA_TEST_PG_HOST/PORT/USER, defaulting to the local server and role fleetca. */
public final class TestDatabase {
    private TestDatabase() {}

    static String hostPort() {
        return System.getenv().getOrDefault("FLEETCA_TEST_PG_HOST", "127.0.0.1") + ":"
                + System.getenv().getOrDefault("FLEETCA_TEST_PG_PORT", "5432");
    }

    static String user() {
        return System.getenv().getOrDefault("FLEETCA_TEST_PG_USER", "fleetca");
    }

    static String adminUrl() {
        return "jdbc:postgresql://" + hostPort() + "/postgres";
    }

    static String url(String database) {
        return "jdbc:postgresql://" + hostPort() + "/" + database;
    }
}
