package io.fleetca.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;

/**
 * CA keys in a PKCS#11 token through the JDK's SunPKCS11 provider. The provider
 * configuration (hsm-config/) marks generated private keys sensitive and not extractable;
 * {@link #checkGeneratedKey} refuses a key that came out otherwise.
 */
final class Pkcs11CaKeyStore extends JcaCaKeyStore {

    static final String PIN_ENV = "FLEETCA_KEYS_PKCS11_PIN";

    private final Path configFile;
    private final java.util.Optional<Path> pinFile;
    private char[] pin;
    /**
     * SHA-256 of the PIN the token last rejected, null when none was: that PIN is never presented again, since
     * every wrong login counts towards the token locking its user PIN (PKCS#11 CKR_PIN_LOCKED; an HSM then
     * needs its security officer). A reconnect re-reads the PIN file and logs in once it holds another PIN.
     */
    private byte[] rejected;
    /** Reused across reconnects: a lost session or login only needs a new login, not a new provider. */
    private Provider provider;

    Pkcs11CaKeyStore(Path configFile, java.util.Optional<Path> pinFile, java.time.Duration reconnectInterval) {
        super(reconnectInterval);
        this.configFile = configFile;
        this.pinFile = pinFile;
        this.pin = readPin(pinFile);
    }

    /** Reads the PIN from FLEETCA_KEYS_PKCS11_PIN, else from the PIN file; never logs it. */
    static char[] readPin(java.util.Optional<Path> pinFile) {
        String fromEnv = System.getenv(PIN_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip().toCharArray();
        }
        if (pinFile.isPresent()) {
            try {
                return Files.readString(pinFile.get(), StandardCharsets.UTF_8).strip().toCharArray();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the HSM PIN file named by fleetca.keys.pkcs11.pin-file ("
                        + pinFile.get() + ")");
            }
        }
        throw new IllegalStateException("No HSM PIN: set the environment variable " + PIN_ENV
                + " or fleetca.keys.pkcs11.pin-file");
    }

    @Override
    protected synchronized Connection connect() throws GeneralSecurityException, IOException {
        if (rejected != null) {
            // Changed PIN: an operator writes the new one to the PIN file; FleetCA picks it up without a restart.
            char[] current = readPin(pinFile);
            if (java.security.MessageDigest.isEqual(rejected, digest(current))) {
                throw new PinRejectedException("The HSM rejected the PIN; it is not presented again until "
                        + "fleetca.keys.pkcs11.pin-file holds another one (or a restart with " + PIN_ENV + ")");
            }
            pin = current;
        }
        if (provider != null) {
            try {
                return login(provider);
            } catch (PinRejectedException e) {
                throw e; // the token answered and refused the PIN: a new provider would not help
            } catch (RuntimeException | IOException | GeneralSecurityException e) {
                provider = null; // token gone, session invalid, ...: configure a new provider below
            }
        }
        Provider configured;
        try {
            configured = Security.getProvider("SunPKCS11").configure(configFile.toString());
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot load the PKCS#11 token configured by fleetca.keys.pkcs11.config ("
                    + configFile + "): check the library path and slot in that file and that the token exists ("
                    + rootMessage(e) + ")");
        }
        Connection c = login(configured);
        provider = configured;
        return c;
    }

    private Connection login(Provider provider) throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
        try {
            keyStore.load(null, pin);
        } catch (IOException e) {
            String code = rootMessage(e);
            if (code.contains("CKR_PIN_INCORRECT") || code.contains("CKR_PIN_LEN_RANGE") || code.contains("CKR_PIN_LOCKED")) {
                rejected = digest(pin);
                throw new PinRejectedException("The HSM rejected the PIN: fix " + PIN_ENV
                        + " or the file named by fleetca.keys.pkcs11.pin-file");
            }
            throw new IllegalStateException("Cannot log in to the PKCS#11 token configured by fleetca.keys.pkcs11.config ("
                    + rootMessage(e) + ")");
        }
        rejected = null;
        return new Connection(provider, keyStore);
    }

    /**
     * SunPKCS11 maps aliases to token objects (by CKA_LABEL, then CKA_ID) when its key store loads;
     * loading again re-reads the token's objects on the same provider and sessions. Without a PIN it
     * never logs in: when the login is gone (HSM restarted, sessions dropped) it fails, and the
     * connection is renewed after the reconnect interval like any other token failure.
     */
    @Override
    protected Connection reload(Connection c) throws GeneralSecurityException, IOException {
        c.keyStore().load(null, null);
        return c;
    }

    @Override
    protected void checkGeneratedKey(PrivateKey key) {
        // SunPKCS11 shows the CKA_SENSITIVE / CKA_EXTRACTABLE state of a P11Key in toString() and
        // returns no encoding for a sensitive key: both must say the key cannot leave the token.
        // P11Key.toString() says "sensitive" or "not sensitive", and "unextractable" or "extractable".
        String attributes = key.toString();
        if (key.getEncoded() != null || attributes.contains("not sensitive") || !attributes.contains("sensitive")
                || !attributes.contains("unextractable")) {
            throw new IllegalStateException("the token generated an extractable private key; "
                    + "set CKA_SENSITIVE=true and CKA_EXTRACTABLE=false in the SunPKCS11 configuration");
        }
    }

    @Override
    public String describe() {
        return "pkcs11 (" + configFile + ")";
    }

    private static byte[] digest(char[] secret) {
        try {
            // Encoded without a String, which would stay in memory until collected.
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(secret)).array());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** The token refused the PIN: reconnecting will not help until the configuration is fixed. */
    static final class PinRejectedException extends IllegalStateException {
        PinRejectedException(String message) {
            super(message);
        }
    }
}
