package io.fleetca.keys;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** Where CA keys live. Secrets (PIN, key-store password) come from the environment or a file, never from here. */
@ConfigMapping(prefix = "fleetca.keys")
public interface KeysConfig {

    /**
     * {@code pkcs11} (an HSM through SunPKCS11) or {@code software} (a PKCS#12 file, development only).
     * Required outside the development profile: production never falls back to software keys silently.
     */
    Provider provider();

    Pkcs11 pkcs11();

    /**
     * After the key store fails, how long FleetCA waits before it logs in again with new sessions.
     * Signing answers 503 and readiness is DOWN meanwhile.
     */
    @WithDefault("PT5S")
    java.time.Duration reconnectInterval();

    Software software();

    enum Provider { PKCS11, SOFTWARE }

    interface Pkcs11 {
        /** SunPKCS11 configuration file (library, slot); see hsm-config/. */
        Optional<Path> config();

        /** File holding the user PIN; used when the environment variable FLEETCA_KEYS_PKCS11_PIN is not set. */
        Optional<Path> pinFile();
    }

    interface Software {
        /** PKCS#12 key store; created on first start. */
        @WithDefault("data/dev-keys.p12")
        Path path();
    }
}
