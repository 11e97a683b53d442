package io.fleetca.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Start-up refusals of the PKCS#11 key store, each in a fresh JVM (PKCS#11 state is per process)
 * against its own SoftHSM2 token: one sentence naming the setting to fix, no stack trace.
 */
class KeyStoreStartupTest {

    private static final Path DIR = Path.of("target", "softhsm2-startup").toAbsolutePath();
    private static final String PIN = "246813";

    @BeforeAll
    static void token() throws Exception {
        if (Files.exists(DIR)) {
            try (var paths = Files.walk(DIR)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(DIR.resolve("tokens"));
        Files.writeString(DIR.resolve("softhsm2.conf"), "directories.tokendir = " + DIR.resolve("tokens")
                + "\nobjectstore.backend = file\nlog.level = ERROR\n");
        ProcessBuilder p = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "startup", "--pin", PIN,
                "--so-pin", "135791").redirectErrorStream(true);
        p.environment().put("SOFTHSM2_CONF", DIR.resolve("softhsm2.conf").toString());
        Process started = p.start();
        started.getInputStream().readAllBytes();
        assertEquals(0, started.waitFor());
    }

    private static Path config(String library, int slotListIndex) throws Exception {
        Path cfg = Files.createTempFile(DIR, "p11-", ".cfg");
        Files.writeString(cfg, "name = Startup\nlibrary = " + library + "\nslotListIndex = " + slotListIndex + "\n");
        return cfg;
    }

    private static String open(Path config, String pin) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartupProbe.class.getName(), config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("SOFTHSM2_CONF", DIR.resolve("softhsm2.conf").toString());
        env.remove(Pkcs11CaKeyStore.PIN_ENV);
        if (pin != null) {
            env.put(Pkcs11CaKeyStore.PIN_ENV, pin);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return out;
    }

    @Test
    void theRightPinOpens() throws Exception {
        assertEquals("OPEN", open(config("/usr/lib/softhsm/libsofthsm2.so", 0), PIN));
    }

    @Test
    void wrongPinNamesThePinSetting() throws Exception {
        assertOneSentenceNaming(open(config("/usr/lib/softhsm/libsofthsm2.so", 0), "000000"), "FLEETCA_KEYS_PKCS11_PIN");
    }

    @Test
    void missingPinNamesThePinSettings() throws Exception {
        assertOneSentenceNaming(open(config("/usr/lib/softhsm/libsofthsm2.so", 0), null), "fleetca.keys.pkcs11.pin-file");
    }

    @Test
    void missingTokenNamesTheConfigSetting() throws Exception {
        assertOneSentenceNaming(open(config("/usr/lib/softhsm/libsofthsm2.so", 7), PIN), "fleetca.keys.pkcs11.config");
    }

    @Test
    void missingLibraryNamesTheConfigSetting() throws Exception {
        assertOneSentenceNaming(open(config("/nonexistent/libpkcs11.so", 0), PIN), "fleetca.keys.pkcs11.config");
    }

    /**
     * A changed HSM PIN while running: a PIN the token rejected is not presented again (each wrong login counts
     * towards the token locking its user PIN), and a new PIN in the PIN file is used by the next reconnect,
     * without a restart. In a process of its own: a process already logged in to the token is never asked for
     * its PIN again (C_Login answers CKR_USER_ALREADY_LOGGED_IN).
     */
    @Test
    void aRejectedPinIsNotPresentedAgainAndANewPinFileIsPickedUp() throws Exception {
        Path pinFile = Files.createTempFile(DIR, "pin-", ".txt");
        Files.writeString(pinFile, "000000\n");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ReconnectProbe.class.getName(),
                config("/usr/lib/softhsm/libsofthsm2.so", 0).toString(), pinFile.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", DIR.resolve("softhsm2.conf").toString());
        pb.environment().remove(Pkcs11CaKeyStore.PIN_ENV);
        Process p = pb.start();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
             var out = new java.io.PrintWriter(p.getOutputStream(), true)) {
            java.util.function.Supplier<String> connect = () -> {
                out.println("connect");
                try {
                    return in.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            String first = connect.get();
            assertTrue(first.startsWith("REFUSED: The HSM rejected the PIN: fix"), first);
            assertFalse(first.contains("000000"), "the PIN never appears in a message");
            String again = connect.get();
            assertTrue(again.startsWith("REFUSED:") && again.contains("not presented again"), again);
            Files.writeString(pinFile, "111111\n"); // another PIN: presented (and wrong too)
            assertTrue(connect.get().contains("rejected the PIN: fix"));
            Files.writeString(pinFile, PIN + "\n"); // the operator writes the token's PIN
            assertEquals("OPEN", connect.get());
            out.println("quit");
        }
        assertEquals(0, p.waitFor());
    }

    private static void assertOneSentenceNaming(String output, String setting) {
        assertTrue(output.startsWith("REFUSED: "), output);
        assertTrue(output.contains(setting), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
        assertFalse(output.contains("\n"), "one line: " + output);
    }

    /** Opens the key store as start-up does and prints OPEN or the refusal message. */
    public static final class StartupProbe {
        public static void main(String[] args) {
            try {
                new Pkcs11CaKeyStore(Path.of(args[0]), java.util.Optional.empty(),
                        java.time.Duration.ofSeconds(5)).open();
                System.out.println("OPEN");
            } catch (Exception e) {
                System.out.println("REFUSED: " + e.getMessage());
            }
        }
    }

    /** A key store that connects once per line "connect" on stdin, printing OPEN or the refusal; the PIN file is args[1]. */
    public static final class ReconnectProbe {
        public static void main(String[] args) throws Exception {
            // The PIN is read at construction; a wrong one only shows when connecting.
            Pkcs11CaKeyStore store = new Pkcs11CaKeyStore(Path.of(args[0]), java.util.Optional.of(Path.of(args[1])),
                    java.time.Duration.ofMillis(1));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            for (String line; (line = in.readLine()) != null && line.equals("connect"); ) {
                try {
                    store.connect();
                    System.out.println("OPEN");
                } catch (Exception e) {
                    System.out.println("REFUSED: " + e.getMessage());
                }
                System.out.flush();
            }
        }
    }
}
