package io.fleetca.ca;

import io.fleetca.keys.CaKeyStore;
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

    @Override
    public AlgorithmIdentifier getAlgorithmIdentifier() { return algorithmIdentifier; }

    @Override
    public OutputStream getOutputStream() { return buffer; }

    @Override
    public byte[] getSignature() { return signFunction.apply(buffer.toByteArray()); }
}
