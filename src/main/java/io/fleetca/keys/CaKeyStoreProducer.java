package io.fleetca.keys;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** Builds the configured {@link CaKeyStore} and opens it; a store that cannot open stops start-up. */
@ApplicationScoped
public class CaKeyStoreProducer {

    private static final Logger LOG = Logger.getLogger(CaKeyStoreProducer.class);

    @Produces
    @Singleton
    CaKeyStore caKeyStore(KeysConfig config) {
        JcaCaKeyStore store = switch (config.provider()) {
            case PKCS11 -> new Pkcs11CaKeyStore(
                    config.pkcs11().config().orElseThrow(() -> new IllegalStateException(
                            "fleetca.keys.provider=pkcs11 needs fleetca.keys.pkcs11.config (a SunPKCS11 configuration file)")),
                    config.pkcs11().pinFile(), config.reconnectInterval());
            case SOFTWARE -> {
                LOG.warn("CA keys are in a software key store, NOT in an HSM: development use only "
                        + "(set fleetca.keys.provider=pkcs11 for production)");
                yield new SoftwareCaKeyStore(config.software().path(), config.reconnectInterval());
            }
        };
        try {
            store.open();
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot open the key store " + store.describe() + ": " + e.getMessage());
        }
        LOG.infof("Key store: %s", store.describe());
        return store;
    }
}
