package io.fleetca.keys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Development key store: a PKCS#12 file. Keys are NOT in an HSM; FleetCA logs a warning at
 * start-up. The password comes from FLEETCA_KEYS_SOFTWARE_PASSWORD or, when unset, from a
 * random password file created beside the key store with owner-only permissions.
 */
final class SoftwareCaKeyStore extends JcaCaKeyStore {

    static final String PASSWORD_ENV = "FLEETCA_KEYS_SOFTWARE_PASSWORD";

    private final Path path;
    private final char[] password;

    SoftwareCaKeyStore(Path path, java.time.Duration reconnectInterval) {
        super(reconnectInterval);
        this.path = path;
        this.password = loadOrCreatePassword(path);
    }

    private static char[] loadOrCreatePassword(Path path) {
        String fromEnv = System.getenv(PASSWORD_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.toCharArray();
        }
        Path file = path.resolveSibling(path.getFileName() + ".password");
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip().toCharArray();
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String generated = HexFormat.of().formatHex(random);
            Files.writeString(file, generated, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: nothing more to restrict
            }
            return generated.toCharArray();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read or create the development key-store password file " + file
                    + " (set " + PASSWORD_ENV + " or fix fleetca.keys.software.path)");
        }
    }

    @Override
    protected Connection connect() throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        if (Files.exists(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                keyStore.load(in, password);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot open the development key store " + path
                        + ": wrong password (" + PASSWORD_ENV + ") or a damaged file");
            }
        } else {
            keyStore.load(null, password);
        }
        return new Connection(null, keyStore);
    }

    @Override
    protected void persist(Connection c) throws GeneralSecurityException, IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path temp = path.resolveSibling(path.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            c.keyStore().store(out, password);
        }
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    protected char[] keyPassword() { return password; }

    @Override
    public String describe() {
        return "software (" + path + ")";
    }
}
