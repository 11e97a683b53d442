package io.fleetca.ca;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.keys.CaKeyStore;
import io.fleetca.keys.KeyNotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.function.Function;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/** A BouncyCastle {@link ContentSigner} whose signature is made inside the key store. */
final class HsmContentSigner implements ContentSigner {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(HsmContentSigner.class);
    private static final io.fleetca.common.LogThrottle MISSING_LOGGED = new io.fleetca.common.LogThrottle(java.time.Duration.ofMinutes(1));

    private final AlgorithmIdentifier algorithmIdentifier;
    private final Function<byte[], byte[]> signFunction;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);

    private HsmContentSigner(String jcaAlgorithm, Function<byte[], byte[]> signFunction) {
        this.algorithmIdentifier = new DefaultSignatureAlgorithmIdentifierFinder().find(jcaAlgorithm);
        this.signFunction = signFunction;
    }

    static HsmContentSigner forStoredKey(CaKeyStore keys, String alias, String jcaAlgorithm) {
        return new HsmContentSigner(jcaAlgorithm, data -> keys.sign(alias, jcaAlgorithm, data));
    }

    static HsmContentSigner forPendingKey(CaKeyStore.PendingKey key, String jcaAlgorithm) {
        return new HsmContentSigner(jcaAlgorithm, data -> key.sign(jcaAlgorithm, data));
    }

    /**
     * A key the database names is not in the key store although the store answers: a token that lost its
     * objects (an HSM restored from an older backup or restarted without them; SoftHSM2 once its token directory
     * was gone) or a key deleted by hand. The CA cannot sign here: 503 with Retry-After, like a store that does
     * not answer (another instance, or this one once the token is restored, can sign), and readiness is DOWN
     * ({@link CaKeysReadinessCheck}) so that a load balancer sends the request elsewhere. The log names the key;
     * the caller's answer does not.
     */
    static FleetCaException keyMissing(String whose, KeyNotFoundException e) {
        if (MISSING_LOGGED.shouldLog(e.alias())) { // every request meets it while it lasts: once a minute
            LOG.errorf("The key of %s (alias %s) is not in the key store: it cannot sign until the token holds it again",
                    whose, e.alias());
        }
        return new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE,
                "the signing key store cannot sign for " + whose + " now; retry later", java.time.Duration.ofSeconds(5));
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() { return algorithmIdentifier; }

    @Override
    public OutputStream getOutputStream() { return buffer; }

    @Override
    public byte[] getSignature() { return signFunction.apply(buffer.toByteArray()); }
}
