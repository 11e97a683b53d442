package io.fleetca.common;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.util.PublicKeyFactory;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentVerifierProviderBuilder;
import org.bouncycastle.operator.bc.BcRSAContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * Verifiers for the signatures FleetCA checks on every enrollment: the CSR's (proof of possession) and the
 * key store's on each certificate it signed. ECDSA with a key seen once goes through native code where it
 * loads ({@link NativeVerifier}), else through BouncyCastle's lightweight API, which on this workload verifies
 * P-256 two to three times faster than the JDK's SunEC, and five times faster with a key whose precomputed
 * point multiples are kept (an issuer's: {@link #forIssuer}); RSA (PKCS#1 v1.5 and PSS) goes through
 * BouncyCastle, EdDSA through the JCA. All decode the ECDSA-Sig-Value strictly (DER, RFC 5480 §2.2.3 / X9.62).
 */
public final class SignatureVerifiers {

    /** By the issuer key's DER SubjectPublicKeyInfo; bounded by the number of CA and responder keys. */
    private static final Map<String, ContentVerifierProvider> ISSUERS = new ConcurrentHashMap<>();
    private static final int MAX_ISSUERS = 4096;

    private SignatureVerifiers() {}

    /** A verifier for a key seen once (a CSR's). */
    public static ContentVerifierProvider forKey(SubjectPublicKeyInfo key) throws OperatorCreationException {
        if (isEc(key)) {
            Optional<ContentVerifierProvider> inNativeCode = NativeVerifier.ecdsa(key);
            return inNativeCode.isPresent() ? inNativeCode.get() : bouncyCastleEcdsa(key);
        }
        if (isRsa(key)) {
            // The JCA route names RSASSA-PSS "SHA256WITHRSASSA-PSS", which the JDK's providers do not know, so a
            // PSS-signed CSR (RFC 4055 §3.1) could not be verified; the lightweight API does PKCS#1 v1.5 and PSS.
            try {
                return new BcRSAContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder())
                        .build(PublicKeyFactory.createKey(key));
            } catch (IOException | IllegalArgumentException e) {
                throw new OperatorCreationException("the RSA public key is not valid: " + e.getMessage(), e);
            }
        }
        return new JcaContentVerifierProviderBuilder().build(key);
    }

    /** ECDSA through BouncyCastle's lightweight API: where the native verifier is off or refuses the key. */
    static ContentVerifierProvider bouncyCastleEcdsa(SubjectPublicKeyInfo key) throws OperatorCreationException {
        try {
            return new BcECContentVerifierProviderBuilder(new DefaultDigestAlgorithmIdentifierFinder())
                    .build(PublicKeyFactory.createKey(key));
        } catch (IOException | IllegalArgumentException e) {
            throw new OperatorCreationException("the EC public key is not valid: " + e.getMessage(), e);
        }
    }

    private static boolean isRsa(SubjectPublicKeyInfo key) {
        return org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption.equals(key.getAlgorithm().getAlgorithm());
    }

    /**
     * A verifier for an issuer's key, kept: the key is decoded once. An EC issuer key goes to BouncyCastle,
     * native verifier or not: BouncyCastle stores the point's precomputed multiples with the kept key
     * parameters, and with them verifies a P-256 signature over a certificate's TBS in 88 to 93 µs of CPU
     * against the native provider's 100 to 102 µs (4 threads on this machine's two cores, warm, 2026-12-04);
     * the native provider wins for keys seen once (a CSR's). Deciding it here also keeps the choice off the
     * start-up race: the first issuer verification (the EST server's certificate) comes before the native
     * provider has loaded.
     */
    public static ContentVerifierProvider forIssuer(SubjectPublicKeyInfo key) throws OperatorCreationException {
        String id;
        try {
            id = java.util.Base64.getEncoder().encodeToString(key.getEncoded());
        } catch (IOException e) {
            throw new OperatorCreationException("the issuer key does not encode", e);
        }
        ContentVerifierProvider known = ISSUERS.get(id);
        if (known != null) {
            return known;
        }
        ContentVerifierProvider made = isEc(key) ? bouncyCastleEcdsa(key) : forKey(key);
        if (ISSUERS.size() >= MAX_ISSUERS) {
            ISSUERS.clear();
        }
        ISSUERS.put(id, made);
        return made;
    }

    private static boolean isEc(SubjectPublicKeyInfo key) {
        return X9ObjectIdentifiers.id_ecPublicKey.equals(key.getAlgorithm().getAlgorithm());
    }
}
