package io.fleetca.ra;

import io.fleetca.testing.TestCsrs;
import java.security.KeyPair;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 2986 §3: the CSR's signature, by its own key, with a collision-resistant algorithm. */
class ProofOfPossessionTest {

    static Stream<Arguments> rows() throws Exception {
        KeyPair ec = TestCsrs.ecP256();
        KeyPair other = TestCsrs.ecP256();
        KeyPair rsa = TestCsrs.rsa(2048);
        PKCS10CertificationRequest good = TestCsrs.csr(ec, "CN=dev");
        CertificationRequest raw = good.toASN1Structure();
        byte[] signature = raw.getSignature().getOctets();
        signature[signature.length - 3] ^= 0x55;
        PKCS10CertificationRequest tampered = new PKCS10CertificationRequest(new CertificationRequest(
                raw.getCertificationRequestInfo(), raw.getSignatureAlgorithm(), new DERBitString(signature)));
        return Stream.of(
                Arguments.of("ECDSA SHA-256", good, null),
                Arguments.of("ECDSA SHA-384", signed(ec, ec, "SHA384withECDSA"), null),
                Arguments.of("RSA SHA-256", TestCsrs.csr(rsa, "CN=dev"), null),
                Arguments.of("RSA-PSS", signed(rsa, rsa, "SHA256withRSAandMGF1"), null),
                Arguments.of("signature altered", tampered, "bad-csr-signature"),
                Arguments.of("signed by another key", signed(ec, other, "SHA256withECDSA"), "bad-csr-signature"),
                Arguments.of("ECDSA SHA-1", signed(ec, ec, "SHA1withECDSA"), "bad-csr-signature"),
                Arguments.of("RSA SHA-1", signed(rsa, rsa, "SHA1withRSA"), "bad-csr-signature"));
    }

    /** A CSR for {@code subjectKey}'s public key, signed by {@code signer}'s private key. */
    private static PKCS10CertificationRequest signed(KeyPair subjectKey, KeyPair signer, String algorithm) throws Exception {
        return new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=dev"), subjectKey.getPublic())
                .build(new JcaContentSignerBuilder(algorithm).setProvider(new BouncyCastleProvider()).build(signer.getPrivate()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(String row, PKCS10CertificationRequest csr, String refusal) {
        KeyRulesTest.expect(refusal, () -> ProofOfPossession.verify(csr));
    }
}
