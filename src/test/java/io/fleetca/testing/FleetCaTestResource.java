package io.fleetca.testing;

import io.fleetca.revocation.FullChainRevocationTest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Real parts for every test run: a throw-away PostgreSQL database on the local server and a
 * fresh SoftHSM2 token (SunPKCS11). SOFTHSM2_CONF is set by Surefire (pom.xml) to
 * target/softhsm2/softhsm2.conf, which this resource (re)creates before Quarkus starts.
 */
public class FleetCaTestResource implements QuarkusTestResourceLifecycleManager {

    public static final Path HSM_DIR = Path.of("target", "softhsm2").toAbsolutePath();
    public static final Path SUNPKCS11_CONFIG = HSM_DIR.resolve("sunpkcs11.cfg");
    public static final Path PIN_FILE = HSM_DIR.resolve("user.pin");
    public static final int EST_PORT = 8444;
    static final String SOFTHSM_LIBRARY = System.getenv().getOrDefault("SOFTHSM2_LIB", "/usr/lib/softhsm/libsofthsm2.so");

    private String database;

    @Override
    public Map<String, String> start() {
        try {
            createToken();
            database = "fleetca_test_" + HexFormat.of().formatHex(randomBytes(4));
            try (Connection c = DriverManager.getConnection(TestDatabase.adminUrl(), TestDatabase.user(), "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + database);
            }
            TestTokens.ensureAdminKeys();
            return Map.ofEntries(
                    Map.entry("quarkus.datasource.jdbc.url", TestDatabase.url(database)),
                    Map.entry("quarkus.datasource.username", TestDatabase.user()),
                    Map.entry("fleetca.keys.provider", "pkcs11"),
                    Map.entry("fleetca.keys.pkcs11.config", SUNPKCS11_CONFIG.toString()),
                    Map.entry("fleetca.keys.pkcs11.pin-file", PIN_FILE.toString()),
                    Map.entry("fleetca.bootstrap.enabled", "true"),
                    Map.entry("fleetca.auth.admin-jwks", TestTokens.ADMIN_JWKS.toString()),
                    // The test server itself, so the JDK's and openssl's revocation checks can follow the URLs
                    // written into certificates (AIA OCSP, CRL distribution points).
                    Map.entry("fleetca.public-url", "http://localhost:8081"),
                    // Hierarchies of FullChainRevocationTest's own (it creates the CAs).
                    Map.entry("fleetca.profiles.chain-a.validity", "P1D"),
                    Map.entry("fleetca.profiles.chain-a.issuer", "chain-issuing-a"),
                    Map.entry("fleetca.profiles.chain-b.validity", "P1D"),
                    Map.entry("fleetca.profiles.chain-b.issuer", "chain-issuing-b"),
                    // Tests wait for CRLs: publish within 2 s of a revocation (the default is 60 s).
                    Map.entry("fleetca.crl.publish-delay", "PT2S"),
                    // Per-source limits: small, so SourceLimitsTest reaches them from 127.0.0.2 and up; every other
                    // test calls from 127.0.0.1, which is exempt. The per-device code limit applies to all.
                    Map.entry("fleetca.limits.exempt-sources", "127.0.0.1,::1"),
                    Map.entry("fleetca.limits.crl-downloads-per-minute", "3"),
                    Map.entry("fleetca.limits.ocsp-signatures-per-second", "2"),
                    Map.entry("fleetca.limits.est-refusals-per-minute", "3"),
                    Map.entry("fleetca.limits.enrollment-code-failures", "3"),
                    // EST on loopback, on a port of its own.
                    Map.entry("fleetca.est.port", Integer.toString(EST_PORT)),
                    Map.entry("fleetca.est.host", "127.0.0.1"));
        } catch (IOException | InterruptedException | SQLException e) {
            throw new IllegalStateException("test set-up failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (database != null) {
            try (Connection c = DriverManager.getConnection(TestDatabase.adminUrl(), TestDatabase.user(), "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop test database " + database + ": " + e.getMessage());
            }
        }
    }

    private static void createToken() throws IOException, InterruptedException {
        String expected = HSM_DIR.resolve("softhsm2.conf").toString();
        if (!expected.equals(System.getenv("SOFTHSM2_CONF"))) {
            throw new IllegalStateException("run the tests through Maven: SOFTHSM2_CONF must be " + expected);
        }
        deleteRecursively(HSM_DIR);
        Path tokens = Files.createDirectories(HSM_DIR.resolve("tokens"));
        Files.writeString(HSM_DIR.resolve("softhsm2.conf"),
                "directories.tokendir = " + tokens + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        String pin = HexFormat.of().formatHex(randomBytes(8));
        Files.writeString(PIN_FILE, pin);
        Process p = new ProcessBuilder(List.of("softhsm2-util", "--init-token", "--free", "--label", "fleetca-test",
                "--pin", pin, "--so-pin", HexFormat.of().formatHex(randomBytes(8))))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("softhsm2-util failed (is softhsm2 installed?): " + out);
        }
        Files.writeString(SUNPKCS11_CONFIG, """
                name = FleetCATest
                library = %s
                slotListIndex = 0
                attributes(generate, CKO_PRIVATE_KEY, *) = {
                  CKA_SENSITIVE = true
                  CKA_EXTRACTABLE = false
                }
                """.formatted(SOFTHSM_LIBRARY));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
