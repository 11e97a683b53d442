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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * A {@link CaKeyStore} over a JCA provider and key store. Holds one connection (provider +
 * logged-in key store); when an operation fails in a way that points at the token, the
 * connection is dropped and the next call opens a new one, so the service recovers from a
 * lost session or a token that comes back without a restart.
 *
 * <p>Instances share the token. The key store lists the entries it saw when it was last read, so
 * a key another instance stored since is missing from it, and one another instance deleted is still
 * listed. A lookup that misses therefore re-reads the entries on the open connection (one re-read at
 * a time, at most one per {@link #MISS_RECHECK} for an alias still missing) and tries once more; a key
 * missing after that is a {@link KeyNotFoundException}, which never drops the connection.
 */
abstract class JcaCaKeyStore implements CaKeyStore {

    private static final Logger LOG = Logger.getLogger(JcaCaKeyStore.class);
    /** An alias still missing after a re-read is not re-read for again before this has passed. */
    static final Duration MISS_RECHECK = Duration.ofSeconds(1);
    /** Readiness re-reads the entries (a real round trip to the token) at most this often. */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
    /** Bound on the remembered missing aliases (they come from database records, not from requests). */
    private static final int MAX_REMEMBERED_MISSES = 1024;
    /** Do not hammer a failing token: at most one reconnect attempt per interval. */
    private final Duration reconnectInterval;

    /** An open store; {@code provider} null means the JDK's default providers (software store). */
    JcaCaKeyStore(Duration reconnectInterval) {
        this.reconnectInterval = reconnectInterval;
    }

    /**
     * An open store and the private keys looked up on it: a key store lookup is a token round trip
     * (SunPKCS11: C_FindObjects and attribute reads) that would otherwise come with every signature. The
     * handles live as long as the connection: a re-read or reconnect starts with none.
     */
    protected record Connection(Provider provider, KeyStore keyStore, Map<String, PrivateKey> keys) {
        Connection(Provider provider, KeyStore keyStore) {
            this(provider, keyStore, new ConcurrentHashMap<>());
        }
    }

    /** Password protecting key entries; PKCS#11 keys are protected by the login instead. */
    protected char[] keyPassword() { return null; }

    private volatile Connection connection;
    private volatile Instant lastAttempt = Instant.EPOCH;
    private volatile String lastFailure;

    /** Serializes re-reads: concurrent misses share one. */
    private final Object reloadLock = new Object();
    /** Number of re-reads started; a lookup notes it first, so it can tell a re-read that began after it. */
    private volatile long reloadsStarted;
    /** Start number of the newest re-read (or connection) that completed; guarded by reloadLock. */
    private long reloadedGeneration;
    private volatile long lastReloadNanos;
    /** Alias to the time ({@link System#nanoTime}) of the re-read that did not find it. */
    private final Map<String, Long> missingSince = new ConcurrentHashMap<>();

    /** Opens the provider and logs in; throws with a sentence an operator can act on. */
    protected abstract Connection connect() throws GeneralSecurityException, java.io.IOException;

    /**
     * Re-reads the store's entries on an open connection, without a new provider or login, so that
     * keys stored or deleted by other instances since are seen. Throws when the store does not answer
     * (the connection is then dropped). This default opens the store again.
     */
    protected Connection reload(Connection c) throws GeneralSecurityException, java.io.IOException {
        return connect();
    }

    /** Called after a key entry was added (the software store writes its file). */
    protected void persist(Connection c) throws GeneralSecurityException, java.io.IOException {}

    /** Attributes of the private key the store must guarantee (PKCS#11: sensitive, not extractable). */
    protected void checkGeneratedKey(PrivateKey key) {}

    /** Opens the first connection at start-up; failures propagate so start-up stops. */
    void open() throws GeneralSecurityException, java.io.IOException {
        connection = connect();
        lastReloadNanos = System.nanoTime();
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
                lastReloadNanos = System.nanoTime();
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
        // The entries may have been re-read since the key was generated: store into the current ones.
        Connection current = connection;
        Connection c = current != null && current.provider() == pending.connection.provider() ? current : pending.connection;
        try {
            if (c.keyStore().containsAlias(alias)) {
                throw new IllegalStateException("key alias already in use: " + alias);
            }
            c.keyStore().setKeyEntry(alias, pending.pair.getPrivate(), keyPassword(), chain);
            persist(c);
            missingSince.remove(alias);
        } catch (GeneralSecurityException | java.io.IOException | java.security.ProviderException e) {
            throw dropped(c, "storing key failed: " + e.getMessage(), e);
        }
    }

    /** Deletes the key if the token holds it; a key another instance deleted already is no error. */
    @Override
    public void delete(String alias) {
        Connection c = connection();
        try {
            long seen = reloadsStarted;
            if (!c.keyStore().containsAlias(alias)) {
                // Perhaps stored by another instance after this one read the entries: re-read before
                // concluding there is nothing to delete, else the key would stay in the token for ever.
                c = reloaded(c, seen);
                if (!c.keyStore().containsAlias(alias)) {
                    return;
                }
            }
            c.keys().remove(alias);
            c.keyStore().deleteEntry(alias);
            persist(c);
        } catch (KeyStoreUnavailableException e) {
            throw e;
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            throw dropped(c, "deleting key failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] sign(String alias, String signatureAlgorithm, byte[] data) {
        return signWith(alias, signatureAlgorithm, data);
    }

    /**
     * The raw mechanisms sign the digest as given (SunPKCS11 "NONEwithECDSA" is CKM_ECDSA and returns the
     * DER ECDSA-Sig-Value, as "SHA256withECDSA" does; "NONEwithRSA" is CKM_RSA_PKCS over the DigestInfo);
     * the software store's JDK providers behave the same. Key lookup, re-read on a miss and failure
     * handling are those of {@link #sign}.
     */
    @Override
    public byte[] signDigest(String alias, KeyAlgorithm algorithm, byte[] digest) {
        return signWith(alias, algorithm.rawSignatureAlgorithm(), algorithm.rawSignatureInput(digest));
    }

    private byte[] signWith(String alias, String signatureAlgorithm, byte[] data) {
        Connection c = connection();
        PrivateKey key;
        try {
            key = key(c, alias);
        } catch (KeyNotFoundException | KeyStoreUnavailableException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw dropped(c, "reading key failed: " + e.getMessage(), e);
        }
        try {
            return sign(c.provider(), key, signatureAlgorithm, data);
        } catch (GeneralSecurityException | RuntimeException e) {
            if (vanished(c, alias)) {
                throw new KeyNotFoundException(alias); // deleted by another instance while this one signed
            }
            throw dropped(c, "signing failed: " + e.getMessage(), e);
        }
    }

    @Override
    public PublicKey publicKey(String alias) {
        Connection c = connection();
        long seen = reloadsStarted;
        try {
            java.security.cert.Certificate certificate = c.keyStore().getCertificate(alias);
            if (certificate == null) {
                certificate = reloaded(c, seen).keyStore().getCertificate(alias); // stored by another instance
            }
            if (certificate == null) {
                throw new KeyNotFoundException(alias);
            }
            return certificate.getPublicKey();
        } catch (GeneralSecurityException | java.security.ProviderException e) {
            throw dropped(c, "reading a public key failed: " + e.getMessage(), e);
        }
    }

    /** The private key under {@code alias}, re-reading the entries once when it is not (or no longer) listed. */
    private PrivateKey key(Connection c, String alias) throws GeneralSecurityException {
        PrivateKey cached = c.keys().get(alias);
        if (cached != null) {
            return cached; // a key deleted since fails to sign, and vanished() then re-reads the entries
        }
        long seen = reloadsStarted;
        PrivateKey key = (PrivateKey) c.keyStore().getKey(alias, keyPassword());
        if (key != null) {
            c.keys().put(alias, key);
            return key;
        }
        Long missedAt = missingSince.get(alias);
        if (missedAt != null && System.nanoTime() - missedAt < MISS_RECHECK.toNanos()) {
            throw new KeyNotFoundException(alias);
        }
        Connection fresh = reloaded(c, seen);
        key = (PrivateKey) fresh.keyStore().getKey(alias, keyPassword());
        if (key == null) {
            if (missingSince.size() >= MAX_REMEMBERED_MISSES) {
                missingSince.clear();
            }
            missingSince.put(alias, System.nanoTime());
            LOG.warnf("Key store %s has no key under alias %s (the token answers; signing with it is refused)",
                    describe(), alias);
            throw new KeyNotFoundException(alias);
        }
        missingSince.remove(alias);
        fresh.keys().put(alias, key);
        return key;
    }

    /** After a failed signature: true when the token answers and the key is gone (deleted meanwhile). */
    private boolean vanished(Connection c, String alias) {
        try {
            return reloaded(c, reloadsStarted).keyStore().getKey(alias, keyPassword()) == null;
        } catch (Exception e) {
            return false; // the token does not answer: a token failure after all
        }
    }

    /**
     * A connection whose entries were read after the caller noted {@code seen}: the result of a
     * re-read that began after that (another caller's, or a reconnect), else one made now. Re-reads
     * run one at a time on the open connection; one that fails drops the connection.
     */
    private Connection reloaded(Connection c, long seen) {
        synchronized (reloadLock) {
            Connection current = connection();
            if (current != c || reloadedGeneration > seen) {
                return current;
            }
            long generation = ++reloadsStarted;
            Connection fresh;
            try {
                fresh = reload(c);
            } catch (Exception e) {
                throw dropped(c, "re-reading the key store failed: " + e.getMessage(), e);
            }
            synchronized (this) {
                if (connection == c) {
                    connection = fresh;
                }
            }
            reloadedGeneration = generation;
            lastReloadNanos = System.nanoTime();
            return fresh;
        }
    }

    private static byte[] sign(Provider provider, PrivateKey key, String algorithm, byte[] data)
            throws GeneralSecurityException {
        Signature signature = provider == null ? Signature.getInstance(algorithm) : Signature.getInstance(algorithm, provider);
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }

    /**
     * A real round trip to the token, whatever keys other instances add or remove: the entries are
     * re-read (PKCS#11: without logging in, so a lost login or session shows as a failure). A key
     * missing from the token says nothing about its health.
     */
    @Override
    public boolean isAvailable() {
        try {
            Connection c = connection();
            if (System.nanoTime() - lastReloadNanos < PROBE_INTERVAL.toNanos()) {
                return true; // read a moment ago; the probe is public and must not make the token work per call
            }
            reloaded(c, reloadsStarted);
            return true;
        } catch (KeyStoreUnavailableException e) {
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
