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
                new Pkcs11CaKeyStore(Path.of(args[0]), Pkcs11CaKeyStore.readPin(java.util.Optional.empty()),
                        java.time.Duration.ofSeconds(5)).open();
                System.out.println("OPEN");
            } catch (Exception e) {
                System.out.println("REFUSED: " + e.getMessage());
            }
        }
    }
}
