package io.fleetca.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * A {@link CaKeyStore} over a JCA provider and key store. Holds one connection (provider +
 * logged-in key store); when an operation fails in a way that points at the token, the
 * connection is dropped and the next call opens a new one, so the service recovers from a
 * lost session or a token that comes back without a restart.
 */
abstract class JcaCaKeyStore implements CaKeyStore {

    private static final Logger LOG = Logger.getLogger(JcaCaKeyStore.class);
    /** Do not hammer a failing token: at most one reconnect attempt per interval. */
    private final Duration reconnectInterval;

    /** An open store; {@code provider} null means the JDK's default providers (software store). */
    JcaCaKeyStore(Duration reconnectInterval) {
        this.reconnectInterval = reconnectInterval;
    }

    protected record Connection(Provider provider, KeyStore keyStore) {}

    /** Password protecting key entries; PKCS#11 keys are protected by the login instead. */
    protected char[] keyPassword() { return null; }

    private volatile Connection connection;
    private volatile Instant lastAttempt = Instant.EPOCH;
    private volatile String lastFailure;

    /** Opens the provider and logs in; throws with a sentence an operator can act on. */
    protected abstract Connection connect() throws GeneralSecurityException, java.io.IOException;

    /** Called after a key entry was added (the software store writes its file). */
    protected void persist(Connection c) throws GeneralSecurityException, java.io.IOException {}

    /** Attributes of the private key the store must guarantee (PKCS#11: sensitive, not extractable). */
    protected void checkGeneratedKey(PrivateKey key) {}

    /** Opens the first connection at start-up; failures propagate so start-up stops. */
    void open() throws GeneralSecurityException, java.io.IOException {
        connection = connect();
    }

    protected Connection connection() {
        Connection c = connection;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (connection != null) {
                return connection;
            }
            Instant now = Instant.now();
            if (Duration.between(lastAttempt, now).compareTo(reconnectInterval) < 0) {
                throw new KeyStoreUnavailableException("key store unavailable: " + lastFailure, null);
            }
            lastAttempt = now;
            try {
                connection = connect();
                LOG.infof("Key store %s is available again", describe());
                return connection;
            } catch (Exception | LinkageError e) {
                lastFailure = e.getMessage();
                throw new KeyStoreUnavailableException("key store unavailable: " + e.getMessage(), e);
            }
        }
    }

    private KeyStoreUnavailableException dropped(Connection failed, String what, Throwable cause) {
        synchronized (this) {
            if (connection == failed) {
                connection = null;
                lastFailure = what;
                lastAttempt = Instant.now(); // the next attempt waits one full interval
                LOG.warnf("Key store %s failed (%s); signing is refused until it answers again", describe(), what);
            }
        }
        return new KeyStoreUnavailableException(what, cause);
    }

    @Override
    public PendingKey generate(KeyAlgorithm algorithm) {
        Connection c = connection();
        try {
            KeyPairGenerator generator = c.provider() == null ? KeyPairGenerator.getInstance(algorithm.jcaKeyType())
                    : KeyPairGenerator.getInstance(algorithm.jcaKeyType(), c.provider());
            generator.initialize(algorithm.generationSpec());
            KeyPair pair = generator.generateKeyPair();
            checkGeneratedKey(pair.getPrivate());
            return new JcaPendingKey(c, pair, algorithm);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw dropped(c, "key generation failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void store(String alias, PendingKey key, X509Certificate[] chain) {
        JcaPendingKey pending = (JcaPendingKey) key;
        Connection c = pending.connection;
        try {
            if (c.keyStore().containsAlias(alias)) {
                throw new IllegalStateException("key alias already in use: " + alias);
            }
            c.keyStore().setKeyEntry(alias, pending.pair.getPrivate(), keyPassword(), chain);
            persist(c);
        } catch (GeneralSecurityException | java.io.IOException | java.security.ProviderException e) {
            throw dropped(c, "storing key failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String alias) {
        Connection c = connection();
        try {
            if (c.keyStore().containsAlias(alias)) {
                c.keyStore().deleteEntry(alias);
                persist(c);
            }
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            throw dropped(c, "deleting key failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] sign(String alias, String signatureAlgorithm, byte[] data) {
        Connection c = connection();
        try {
            PrivateKey key = (PrivateKey) c.keyStore().getKey(alias, keyPassword());
            if (key == null) {
                throw dropped(c, "no key under alias " + alias, null);
            }
            return sign(c.provider(), key, signatureAlgorithm, data);
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof KeyStoreUnavailableException k) {
                throw k;
            }
            throw dropped(c, "signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public PublicKey publicKey(String alias) {
        Connection c = connection();
        try {
            java.security.cert.Certificate certificate = c.keyStore().getCertificate(alias);
            if (certificate == null) {
                throw new IllegalStateException("no certificate under alias " + alias);
            }
            return certificate.getPublicKey();
        } catch (GeneralSecurityException | java.security.ProviderException e) {
            throw dropped(c, "reading a public key failed: " + e.getMessage(), e);
        }
    }

    private static byte[] sign(Provider provider, PrivateKey key, String algorithm, byte[] data)
            throws GeneralSecurityException {
        Signature signature = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }

    @Override
    public boolean isAvailable() {
        try {
            Connection c = connection();
            // A real round trip to the token: a key that cannot be found means the token or session is gone.
            java.util.Enumeration<String> aliases = c.keyStore().aliases();
            while (aliases.hasMoreElements()) {
                String alias = aliases.nextElement();
                if (c.keyStore().isKeyEntry(alias)) {
                    if (c.keyStore().getKey(alias, keyPassword()) == null) {
                        dropped(c, "key " + alias + " is no longer in the token", null);
                        return false;
                    }
                    break;
                }
            }
            return true;
        } catch (KeyStoreUnavailableException e) {
            return false;
        } catch (Exception e) {
            Connection c = connection;
            if (c != null) {
                dropped(c, "health probe failed: " + e.getMessage(), e);
            }
            return false;
        }
    }

    private final class JcaPendingKey implements PendingKey {
        private final Connection connection;
        private final KeyPair pair;
        private final KeyAlgorithm algorithm;

        JcaPendingKey(Connection connection, KeyPair pair, KeyAlgorithm algorithm) {
            this.connection = connection;
            this.pair = pair;
            this.algorithm = algorithm;
        }

        @Override
        public PublicKey publicKey() { return pair.getPublic(); }

        @Override
        public KeyAlgorithm algorithm() { return algorithm; }

        @Override
        public byte[] sign(String signatureAlgorithm, byte[] data) {
            try {
                return JcaCaKeyStore.sign(connection.provider(), pair.getPrivate(), signatureAlgorithm, data);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw dropped(connection, "signing with a new key failed: " + e.getMessage(), e);
            }
        }
    }
}
