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
     * A key the database names is not in the key store although the store answers (deleted, or a token
     * restored from an older backup). Not a token failure: nothing to retry, an operator must act; the
     * caller gets a 500 without details and the log names the key.
     */
    static FleetCaException keyMissing(String whose, KeyNotFoundException e) {
        return new FleetCaException(ProblemType.INTERNAL,
                "the key of " + whose + " (alias " + e.alias() + ") is not in the key store");
    }

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() { return algorithmIdentifier; }

    @Override
    public OutputStream getOutputStream() { return buffer; }

    @Override
    public byte[] getSignature() { return signFunction.apply(buffer.toByteArray()); }
}
