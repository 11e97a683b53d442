package io.fleetca.est;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The EST server's key and certificate chain, swappable while the server runs. JSSE asks the key manager
 * at every handshake (chooseEngineServerAlias, then getCertificateChain and getPrivateKey for that alias),
 * so a new handshake gets the new certificate as soon as {@link #use} returns, and no handshake is
 * dropped meanwhile. Vert.x 4.5's HttpServer#updateSSLOptions was tried first: it publishes the new SSL
 * context as a future still being completed, and a connection accepted in that window fails
 * (NullPointerException in TCPServerBase, channel closed).
 *
 * <p>Each key has its own alias (its certificate's serial), and the previous one is kept, so a handshake
 * that chose an alias just before a swap still gets a matching key and chain.
 */
final class ServerKeyManager extends X509ExtendedKeyManager {

    private record Material(String alias, PrivateKey key, X509Certificate[] chain) {}

    private volatile Material current;
    private volatile Material previous;

    /** From now on handshakes present {@code chain} (leaf first) and prove possession of {@code key}. */
    synchronized void use(String serial, PrivateKey key, X509Certificate[] chain) {
        previous = current;
        current = new Material("est-" + serial, key, chain.clone());
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return alias(keyType);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return alias(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = alias(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Material m = find(alias);
        return m == null ? null : m.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Material m = find(alias);
        return m == null ? null : m.key();
    }

    /** The current key's alias if it can serve this key type (JSSE asks per type: "EC", "RSA", ...). */
    private String alias(String keyType) {
        Material m = current;
        return m != null && keyType != null && keyType.equalsIgnoreCase(m.key().getAlgorithm()) ? m.alias() : null;
    }

    private Material find(String alias) {
        Material now = current;
        if (now != null && now.alias().equals(alias)) {
            return now;
        }
        Material before = previous;
        return before != null && before.alias().equals(alias) ? before : null;
    }

    // The EST server never acts as a TLS client.
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
