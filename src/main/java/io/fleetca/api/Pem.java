package io.fleetca.api;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.cert.X509CertificateHolder;

/** PEM encoding (RFC 7468 §5.1: CERTIFICATE, base64 lines of 64 characters). */
final class Pem {
    private static final Base64.Encoder ENCODER = Base64.getMimeEncoder(64, "\n".getBytes());
    /** Chains' PEM by chain (see {@link #chain}). */
    private static final Map<ChainKey, String> CHAINS = new ConcurrentHashMap<>();
    private static final int MAX_CHAINS = 256;

    private Pem() {}

    static String certificate(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + ENCODER.encodeToString(der) + "\n-----END CERTIFICATE-----\n";
    }

    static String certificate(X509CertificateHolder cert) {
        try {
            return certificate(cert.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The chain's PEM, kept per chain: a loaded CA's chain is one immutable list, sent with every certificate
     * it issues (encoding it again per enrollment was 1.6 % of a JFR profile's samples at 64 connections).
     * Keyed by the list's identity; a CA loaded again brings a new list, and the map is bounded.
     */
    static String chain(List<X509CertificateHolder> certs) {
        ChainKey key = new ChainKey(certs);
        String known = CHAINS.get(key);
        if (known != null) {
            return known;
        }
        StringBuilder sb = new StringBuilder();
        certs.forEach(c -> sb.append(certificate(c)));
        String pem = sb.toString();
        if (CHAINS.size() >= MAX_CHAINS) {
            CHAINS.clear();
        }
        CHAINS.put(key, pem);
        return pem;
    }

    /** A chain by identity: equal lists of another load are other keys (cheap, and never a stale chain). */
    private record ChainKey(List<X509CertificateHolder> certs) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ChainKey other && other.certs == certs;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(certs);
        }
    }
}
