package io.fleetca.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.FleetCaTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two processes on one SoftHSM2 token, as two FleetCA hosts on one HSM: this JVM and a second one
 * ({@link SecondInstance}) that read the token before the other's keys existed. Each signs at once
 * with a key the other stored, and a key the other deleted is "not found", never "unavailable".
 */
@QuarkusTest
class SharedTokenProcessTest {

    @Test
    void twoProcessesSeeEachOthersKeysAtOnce() throws Exception {
        Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SecondInstance.class.getName(),
                FleetCaTestResource.SUNPKCS11_CONFIG.toString(), FleetCaTestResource.PIN_FILE.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            PrintStream to = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
            assertEquals("ready", from.readLine());
            Pkcs11CaKeyStore here = SharedTokenTest.instance(); // both have read the token now

            // A key stored here signs at once there.
            String hereAlias = SharedTokenTest.newAlias();
            PublicKey herePublic = SharedTokenTest.storeNewKey(here, hereAlias).publicKey();
            assertTrue(verifies(herePublic, ok(ask(to, from, "sign " + hereAlias))), "the other process signed");

            // A key stored there signs at once here.
            String thereAlias = SharedTokenTest.newAlias();
            PublicKey therePublic = KeyFactory.getInstance("EC").generatePublic(
                    new X509EncodedKeySpec(ok(ask(to, from, "store " + thereAlias))));
            Signature s = Signature.getInstance(KeyAlgorithm.EC_P256.signatureAlgorithm());
            s.initVerify(therePublic);
            s.update(SecondInstance.DATA);
            assertTrue(s.verify(here.sign(thereAlias, KeyAlgorithm.EC_P256.signatureAlgorithm(), SecondInstance.DATA)));

            // Deleted there: "not found" here, and this store stays up.
            assertEquals("ok", ask(to, from, "delete " + hereAlias));
            assertThrows(KeyNotFoundException.class,
                    () -> here.sign(hereAlias, KeyAlgorithm.EC_P256.signatureAlgorithm(), SecondInstance.DATA));
            assertTrue(here.isAvailable());

            // Deleted here (a key stored there after this store read the token): gone there too, which stays up.
            here.delete(thereAlias);
            assertEquals("not-found", ask(to, from, "sign " + thereAlias));
            assertEquals("ok true", ask(to, from, "available"));
            assertEquals("ok", ask(to, from, "quit"));
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
    }

    private static String ask(PrintStream to, BufferedReader from, String command) throws Exception {
        to.println(command);
        String answer = from.readLine();
        return answer == null ? "(the other process ended)" : answer;
    }

    private static byte[] ok(String answer) {
        assertTrue(answer.startsWith("ok "), answer);
        return Base64.getDecoder().decode(answer.substring(3));
    }

    private static boolean verifies(PublicKey key, byte[] signature) throws Exception {
        Signature v = Signature.getInstance(KeyAlgorithm.EC_P256.signatureAlgorithm());
        v.initVerify(key);
        v.update(SecondInstance.DATA);
        return v.verify(signature);
    }
}
