package io.fleetca.keys;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** The CA key types FleetCA generates inside the key store, with the signature algorithm each signs with. */
public enum KeyAlgorithm {
    EC_P256("EC", new ECGenParameterSpec("secp256r1"), "SHA256withECDSA", "SHA-256"),
    EC_P384("EC", new ECGenParameterSpec("secp384r1"), "SHA384withECDSA", "SHA-384"),
    RSA_3072("RSA", new RSAKeyGenParameterSpec(3072, RSAKeyGenParameterSpec.F4), "SHA256withRSA", "SHA-256"),
    RSA_4096("RSA", new RSAKeyGenParameterSpec(4096, RSAKeyGenParameterSpec.F4), "SHA384withRSA", "SHA-384");

    /**
     * DER of DigestInfo up to the digest value (RFC 8017 §9.2 note 1): what PKCS #1 v1.5 signs is this
     * prefix followed by the hash.
     */
    private static final byte[] SHA256_DIGEST_INFO = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
            0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
    private static final byte[] SHA384_DIGEST_INFO = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01,
            0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};

    private final String jcaKeyType;
    private final AlgorithmParameterSpec generationSpec;
    private final String signatureAlgorithm;
    private final String digestAlgorithm;

    KeyAlgorithm(String jcaKeyType, AlgorithmParameterSpec generationSpec, String signatureAlgorithm,
                 String digestAlgorithm) {
        this.jcaKeyType = jcaKeyType;
        this.generationSpec = generationSpec;
        this.signatureAlgorithm = signatureAlgorithm;
        this.digestAlgorithm = digestAlgorithm;
    }

    /** JCA name of the hash {@link #signatureAlgorithm()} signs, for signing a digest computed outside the store. */
    public String digestAlgorithm() { return digestAlgorithm; }

    /**
     * What the raw signature mechanism signs for a precomputed {@code digest}: for ECDSA the hash itself
     * ("NONEwithECDSA", PKCS #11 CKM_ECDSA), for RSA the DER DigestInfo around it ("NONEwithRSA",
     * CKM_RSA_PKCS adds the PKCS #1 v1.5 padding, RFC 8017 §9.2).
     */
    byte[] rawSignatureInput(byte[] digest) {
        if (!jcaKeyType.equals("RSA")) {
            return digest;
        }
        byte[] prefix = digestAlgorithm.equals("SHA-256") ? SHA256_DIGEST_INFO : SHA384_DIGEST_INFO;
        if (digest.length != prefix[prefix.length - 1]) {
            throw new IllegalArgumentException("a " + digestAlgorithm + " digest has " + prefix[prefix.length - 1]
                    + " bytes, not " + digest.length);
        }
        byte[] info = java.util.Arrays.copyOf(prefix, prefix.length + digest.length);
        System.arraycopy(digest, 0, info, prefix.length, digest.length);
        return info;
    }

    /** JCA name of the raw signature over {@link #rawSignatureInput}; ECDSA signatures come out DER-encoded (RFC 3279 §2.2.3). */
    String rawSignatureAlgorithm() { return jcaKeyType.equals("RSA") ? "NONEwithRSA" : "NONEwithECDSA"; }

    public String jcaKeyType() { return jcaKeyType; }

    public AlgorithmParameterSpec generationSpec() { return generationSpec; }

    /** JCA name of the signature algorithm certificates and CRLs signed by this key use. */
    public String signatureAlgorithm() { return signatureAlgorithm; }
}
