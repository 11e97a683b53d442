package io.fleetca.keys;

import java.security.PublicKey;
import java.security.cert.X509Certificate;

/**
 * The HSM boundary. CA private keys are generated inside the store and never leave it:
 * callers get public keys and signatures, never key material.
 */
public interface CaKeyStore {

    /** Generates a key pair inside the store; the private key stays there until {@link #store} or the pair is dropped. */
    PendingKey generate(KeyAlgorithm algorithm);

    /** Persists a generated key under {@code alias} with its certificate (chain to the root). */
    void store(String alias, PendingKey key, X509Certificate[] chain);

    /** Removes a stored key; used only to undo a CA creation whose record could not be written. */
    void delete(String alias);

    /** Signs {@code data} with the key stored under {@code alias}. */
    byte[] sign(String alias, String signatureAlgorithm, byte[] data);

    /**
     * Signs a hash computed outside the store with the key stored under {@code alias}: the same signature
     * {@code sign(alias, algorithm.signatureAlgorithm(), data)} gives when {@code digest} is
     * {@code algorithm.digestAlgorithm()} of {@code data}, without sending {@code data} (a 49 MiB CRL)
     * through the token.
     */
    byte[] signDigest(String alias, KeyAlgorithm algorithm, byte[] digest);

    /**
     * The public key of the key stored under {@code alias}, read from the store itself (its certificate
     * entry), so a verifier never has to trust a copy kept elsewhere.
     */
    PublicKey publicKey(String alias);

    /** True when the store answers and can sign; used by readiness. */
    boolean isAvailable();

    /** Short description for logs and health: kind and token, never secrets. */
    String describe();

    /**
     * A freshly generated key pair whose private half is still inside the store.
     * {@link #sign} lets the caller self-sign a root or a proof before the key is stored.
     */
    interface PendingKey {
        PublicKey publicKey();

        KeyAlgorithm algorithm();

        byte[] sign(String signatureAlgorithm, byte[] data);
    }
}
