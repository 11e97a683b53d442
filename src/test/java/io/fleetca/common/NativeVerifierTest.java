package io.fleetca.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The native ECDSA verifier (AWS-LC) decides every signature as BouncyCastle's does, so moving the CSR and HSM
 * checks to it changed speed, not answers: valid signatures, high-S ones (both are valid ECDSA), and the
 * refusals (another key, another message, BER lengths, non-minimal integers, trailing bytes, r or s out of
 * range, a raw r||s value), on P-256 and P-384. RFC 5480 §2.2.3: the ECDSA-Sig-Value is DER.
 */
class NativeVerifierTest {

    /** Loading runs on a thread of its own (off the start path); the tests wait for it. */
    private static final java.time.Duration LOAD = java.time.Duration.ofSeconds(60);

    static Stream<Arguments> signatures() throws Exception {
        List<Arguments> rows = new ArrayList<>();
        for (String[] curve : new String[][] {{"secp256r1", "SHA256withECDSA"}, {"secp384r1", "SHA384withECDSA"}}) {
            KeyPair key = ecKey(curve[0]);
            KeyPair other = ecKey(curve[0]);
            byte[] message = ("the TBS of a " + curve[0] + " certificate").getBytes(StandardCharsets.US_ASCII);
            byte[] signature = sign(key, curve[1], message);
            ASN1Sequence rs = ASN1Sequence.getInstance(signature);
            BigInteger r = ASN1Integer.getInstance(rs.getObjectAt(0)).getValue();
            BigInteger s = ASN1Integer.getInstance(rs.getObjectAt(1)).getValue();
            BigInteger n = ((ECPublicKey) key.getPublic()).getParams().getOrder();
            String c = curve[0] + " ";
            rows.add(row(c + "valid", key, curve[1], message, signature, true));
            rows.add(row(c + "high S (n - s)", key, curve[1], message, der(r, n.subtract(s)), true));
            rows.add(row(c + "another key", other, curve[1], message, signature, false));
            rows.add(row(c + "another message", key, curve[1], "x".getBytes(StandardCharsets.US_ASCII), signature, false));
            rows.add(row(c + "trailing byte", key, curve[1], message, concat(signature, new byte[] {0}), false));
            rows.add(row(c + "BER long-form length", key, curve[1], message, longFormLength(signature), false));
            rows.add(row(c + "non-minimal r", key, curve[1], message, nonMinimalR(r, s), false));
            rows.add(row(c + "r = 0", key, curve[1], message, der(BigInteger.ZERO, s), false));
            rows.add(row(c + "s = n", key, curve[1], message, der(r, n), false));
            rows.add(row(c + "s = n + s", key, curve[1], message, der(r, n.add(s)), false));
            rows.add(row(c + "raw r || s", key, curve[1], message, concat(fixed(r, n), fixed(s, n)), false));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signatures")
    void decidesAsBouncyCastleDoes(String row, SubjectPublicKeyInfo key, String algorithm, byte[] message, byte[] signature,
                                   boolean expected) throws Exception {
        assumeTrue(NativeVerifier.awaitLoaded(LOAD).isPresent(), "the native provider is not loaded on this platform");
        ContentVerifierProvider inNativeCode = NativeVerifier.ecdsa(key).orElseThrow();
        ContentVerifierProvider bouncyCastle = SignatureVerifiers.bouncyCastleEcdsa(key);
        assertEquals(expected, decision(bouncyCastle, algorithm, message, signature), "BouncyCastle: " + row);
        assertEquals(expected, decision(inNativeCode, algorithm, message, signature), "native: " + row);
    }

    /** The platform FleetCA is built and measured on loads it: else the CSR check would be silently slower. */
    @Test
    void loadsOnLinuxX86() throws InterruptedException {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")), "not linux x86-64");
        assertTrue(NativeVerifier.awaitLoaded(LOAD).isPresent(), "the Amazon Corretto Crypto Provider did not load");
    }

    /**
     * An EC issuer's verifier is BouncyCastle's, kept (its precomputed point multiples make it as fast as the
     * native provider for a key that verifies every certificate), whether or not the native provider has loaded.
     */
    @Test
    void keepsBouncyCastleForAnIssuerKey() throws Exception {
        SubjectPublicKeyInfo issuer = SubjectPublicKeyInfo.getInstance(ecKey("secp256r1").getPublic().getEncoded());
        ContentVerifierProvider kept = SignatureVerifiers.forIssuer(issuer);
        assertTrue(kept == SignatureVerifiers.forIssuer(issuer), "the issuer's verifier was not kept");
        assertTrue(kept.getClass().getName().startsWith("org.bouncycastle.operator.bc."),
                "the kept issuer verifier is not BouncyCastle's lightweight one: " + kept.getClass().getName());
        NativeVerifier.awaitLoaded(LOAD);
        SubjectPublicKeyInfo later = SubjectPublicKeyInfo.getInstance(ecKey("secp256r1").getPublic().getEncoded());
        assertTrue(SignatureVerifiers.forIssuer(later).getClass().getName().startsWith("org.bouncycastle.operator.bc."),
                "an issuer key seen after the native provider loaded did not get BouncyCastle's verifier");
    }

    /** A public point moved off its curve: neither verifier takes the key, so the CSR is refused. */
    @Test
    void refusesAPointOffTheCurve() throws Exception {
        byte[] spki = ecKey("secp256r1").getPublic().getEncoded();
        spki[spki.length - 1] ^= 0x01;   // the last byte of y
        SubjectPublicKeyInfo key = SubjectPublicKeyInfo.getInstance(spki);
        assumeTrue(NativeVerifier.awaitLoaded(LOAD).isPresent(), "the native provider is not loaded on this platform");
        assertFalse(NativeVerifier.ecdsa(key).isPresent(), "the native provider took a point off the curve");
        assertThrows(org.bouncycastle.operator.OperatorCreationException.class, () -> SignatureVerifiers.forKey(key));
    }

    private static boolean decision(ContentVerifierProvider provider, String algorithm, byte[] message, byte[] signature) {
        try {
            AlgorithmIdentifier id = new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm);
            ContentVerifier verifier = provider.get(id);
            try (OutputStream out = verifier.getOutputStream()) {
                out.write(message);
            }
            return verifier.verify(signature);
        } catch (Exception e) {
            return false;   // what every caller does with an exception: the signature does not count
        }
    }

    private static Arguments row(String name, KeyPair key, String algorithm, byte[] message, byte[] signature,
                                 boolean expected) {
        return Arguments.of(name, SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()), algorithm, message,
                signature, expected);
    }

    private static KeyPair ecKey(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static byte[] sign(KeyPair key, String algorithm, byte[] message) throws Exception {
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key.getPrivate());
        signer.update(message);
        return signer.sign();
    }

    private static byte[] der(BigInteger r, BigInteger s) throws Exception {
        return new DERSequence(new ASN1Integer[] {new ASN1Integer(r), new ASN1Integer(s)}).getEncoded();
    }

    /** SEQUENCE with its length in long form (0x81 len): BER, not DER. */
    private static byte[] longFormLength(byte[] der) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(0x81);
        out.write(der[1]);
        out.write(der, 2, der.length - 2);
        return out.toByteArray();
    }

    /** r with one more leading zero byte than DER allows (X.690 §8.3.2). */
    private static byte[] nonMinimalR(BigInteger r, BigInteger s) throws Exception {
        byte[] rBytes = concat(new byte[] {0}, r.toByteArray());
        byte[] sInteger = new ASN1Integer(s).getEncoded();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x02);
        body.write(rBytes.length);
        body.write(rBytes);
        body.write(sInteger);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.write(body.size());
        body.writeTo(out);
        return out.toByteArray();
    }

    private static byte[] fixed(BigInteger value, BigInteger order) {
        int length = (order.bitLength() + 7) / 8;
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
