package io.fleetca.keys;

/**
 * The key store cannot sign right now (token removed, session lost, login failed).
 * The message is for logs only; callers answer 503 and retry later.
 */
public class KeyStoreUnavailableException extends RuntimeException {
    public KeyStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
