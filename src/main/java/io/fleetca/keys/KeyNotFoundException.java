package io.fleetca.keys;

/**
 * The key store answers, but holds no key under the alias, also after re-reading its entries
 * (another instance may have deleted it, or it was never stored). Unlike
 * {@link KeyStoreUnavailableException} this says nothing about the token's health: readiness
 * stays UP and no reconnect follows. The message (with the alias) is for logs only.
 */
public class KeyNotFoundException extends RuntimeException {
    private final String alias;

    public KeyNotFoundException(String alias) {
        super("no key under alias " + alias + " in the key store, also after re-reading its entries");
        this.alias = alias;
    }

    public String alias() { return alias; }
}
