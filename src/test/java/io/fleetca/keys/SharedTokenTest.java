package io.fleetca.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.FleetCaTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.junit.jupiter.api.Test;

/**
 * Two FleetCA instances sharing one SoftHSM2 token, as two key stores with a SunPKCS11 provider
 * each (each provider has its own sessions and its own alias map, as in two processes). The token
 * is the one the running application uses; the application is a third user of it.
 */
@QuarkusTest
class SharedTokenTest {

    private static final String ALGORITHM = KeyAlgorithm.EC_P256.signatureAlgorithm();
    private static final byte[] DATA = "to be signed".getBytes(StandardCharsets.UTF_8);

    @Test
    void keyStoredByOneInstanceSignsAtOnceOnTheOther() throws Exception {
        Pkcs11CaKeyStore a = instance();
        Pkcs11CaKeyStore b = instance(); // read the token before the key existed
        String alias = newAlias();
        CaKeyStore.PendingKey key = storeNewKey(a, alias);

        byte[] signature = b.sign(alias, ALGORITHM, DATA);

        assertTrue(verifies(key, signature), "B signed with the key A stored");
        assertTrue(b.isAvailable());
        a.delete(alias);
    }

    @Test
    void keyDeletedByOneInstanceIsNotFoundOnTheOtherWhichStaysUp() throws Exception {
        Pkcs11CaKeyStore a = instance();
        String deleted = newAlias();
        String kept = newAlias();
        storeNewKey(a, deleted);
        CaKeyStore.PendingKey keptKey = storeNewKey(a, kept);
        Pkcs11CaKeyStore b = instance(); // lists both keys
        b.sign(deleted, ALGORITHM, DATA);

        a.delete(deleted);

        KeyNotFoundException missing = assertThrows(KeyNotFoundException.class, () -> b.sign(deleted, ALGORITHM, DATA));
        assertEquals(deleted, missing.alias());
        // Asked again at once (no second re-read): still "not found", never "unavailable".
        assertThrows(KeyNotFoundException.class, () -> b.sign(deleted, ALGORITHM, DATA));
        assertTrue(b.isAvailable(), "a deleted key says nothing about the token");
        assertTrue(verifies(keptKey, b.sign(kept, ALGORITHM, DATA)), "B keeps its connection and signs");
        a.delete(kept);
    }

    @Test
    void instanceDeletesAKeyAnotherInstanceStoredAfterItReadTheToken() throws Exception {
        Pkcs11CaKeyStore b = instance();
        Pkcs11CaKeyStore a = instance();
        String alias = newAlias();
        storeNewKey(a, alias);

        b.delete(alias); // e.g. the expired-responder clean-up running on B for a responder A created

        assertThrows(KeyNotFoundException.class, () -> instance().sign(alias, ALGORITHM, DATA),
                "the key is gone from the token, not only from B's view of it");
        assertThrows(KeyNotFoundException.class, () -> a.sign(alias, ALGORITHM, DATA));
        b.delete(alias); // deleting again (both instances cleaning up) is no error
        assertTrue(a.isAvailable());
        assertTrue(b.isAvailable());
    }

    @Test
    void keyThatNeverExistedIsNotFoundAndTheStoreStaysUp() throws Exception {
        Pkcs11CaKeyStore b = instance();
        assertThrows(KeyNotFoundException.class, () -> b.sign(newAlias(), ALGORITHM, DATA));
        assertTrue(b.isAvailable());
        String alias = newAlias();
        CaKeyStore.PendingKey key = storeNewKey(b, alias);
        assertTrue(verifies(key, b.sign(alias, ALGORITHM, DATA)));
        b.delete(alias);
    }

    /** A FleetCA instance's key store: its own SunPKCS11 provider on the shared token. */
    static Pkcs11CaKeyStore instance() throws Exception {
        Pkcs11CaKeyStore store = new Pkcs11CaKeyStore(FleetCaTestResource.SUNPKCS11_CONFIG,
                java.util.Optional.of(FleetCaTestResource.PIN_FILE), Duration.ofSeconds(5));
        store.open();
        return store;
    }

    static String newAlias() {
        byte[] b = new byte[6];
        new SecureRandom().nextBytes(b);
        return "fleetca-test-shared-" + HexFormat.of().formatHex(b);
    }

    /** Generates a P-256 key in the token and stores it with a self-signed certificate, as a CA creation does. */
    static CaKeyStore.PendingKey storeNewKey(CaKeyStore store, String alias) throws Exception {
        CaKeyStore.PendingKey key = store.generate(KeyAlgorithm.EC_P256);
        X500Name name = new X500Name("CN=" + alias);
        Instant now = Instant.now();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                BigInteger.ONE, Date.from(now), Date.from(now.plus(Duration.ofDays(1))), name, key.publicKey())
                .build(new ContentSigner() {
                    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

                    @Override
                    public AlgorithmIdentifier getAlgorithmIdentifier() {
                        return new DefaultSignatureAlgorithmIdentifierFinder().find(ALGORITHM);
                    }

                    @Override
                    public OutputStream getOutputStream() { return buffer; }

                    @Override
                    public byte[] getSignature() { return key.sign(ALGORITHM, buffer.toByteArray()); }
                }));
        store.store(alias, key, new X509Certificate[] {cert});
        return key;
    }

    private static boolean verifies(CaKeyStore.PendingKey key, byte[] signature) throws Exception {
        Signature v = Signature.getInstance(ALGORITHM);
        v.initVerify(key.publicKey());
        v.update(DATA);
        return v.verify(signature);
    }
}
