package io.fleetca.keys;

import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;

/** The CA key types FleetCA generates inside the key store, with the signature algorithm each signs with. */
public enum KeyAlgorithm {
    EC_P256("EC", new ECGenParameterSpec("secp256r1"), "SHA256withECDSA"),
    EC_P384("EC", new ECGenParameterSpec("secp384r1"), "SHA384withECDSA"),
    RSA_3072("RSA", new RSAKeyGenParameterSpec(3072, RSAKeyGenParameterSpec.F4), "SHA256withRSA"),
    RSA_4096("RSA", new RSAKeyGenParameterSpec(4096, RSAKeyGenParameterSpec.F4), "SHA384withRSA");

    private final String jcaKeyType;
    private final AlgorithmParameterSpec generationSpec;
    private final String signatureAlgorithm;

    KeyAlgorithm(String jcaKeyType, AlgorithmParameterSpec generationSpec, String signatureAlgorithm) {
        this.jcaKeyType = jcaKeyType;
        this.generationSpec = generationSpec;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    public String jcaKeyType() { return jcaKeyType; }

    public AlgorithmParameterSpec generationSpec() { return generationSpec; }

    /** JCA name of the signature algorithm certificates and CRLs signed by this key use. */
    public String signatureAlgorithm() { return signatureAlgorithm; }
}
