package io.fleetca.keys;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

/**
 * The key store of a second FleetCA process on the shared SoftHSM2 token, driven line by line on
 * stdin by {@link SharedTokenProcessTest}: its own JVM, PKCS#11 library, login and sessions, as in a
 * second instance. Opens the store at once (so it reads the token before the test adds keys), then
 * answers {@code store|sign|delete <alias>}, {@code available} and {@code quit}, one line each.
 */
public final class SecondInstance {

    static final byte[] DATA = "signed by another process".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Pkcs11CaKeyStore store = new Pkcs11CaKeyStore(Path.of(args[0]),
                java.util.Optional.of(Path.of(args[1])), Duration.ofSeconds(5));
        store.open();
        out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] command = line.split(" ");
            try {
                switch (command[0]) {
                    case "store" -> out.println("ok " + Base64.getEncoder().encodeToString(
                            SharedTokenTest.storeNewKey(store, command[1]).publicKey().getEncoded()));
                    case "sign" -> out.println("ok " + Base64.getEncoder().encodeToString(
                            store.sign(command[1], KeyAlgorithm.EC_P256.signatureAlgorithm(), DATA)));
                    case "delete" -> {
                        store.delete(command[1]);
                        out.println("ok");
                    }
                    case "available" -> out.println("ok " + store.isAvailable());
                    case "quit" -> {
                        out.println("ok");
                        return;
                    }
                    default -> out.println("unknown command");
                }
            } catch (KeyNotFoundException e) {
                out.println("not-found");
            } catch (KeyStoreUnavailableException e) {
                out.println("unavailable");
            }
        }
    }
}
