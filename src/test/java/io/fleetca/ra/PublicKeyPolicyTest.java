package io.fleetca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.profile.RenewalKey;
import io.fleetca.testing.TestCsrs;
import java.math.BigInteger;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The key policy of RFC 5480 (EC), RFC 3279/8017 (RSA) and RFC 8410 (Ed25519), row by row. */
class PublicKeyPolicyTest {

    private static final CertificateProfile EC_ONLY = profile(Set.of(DeviceKeyType.EC_P256));
    private static final CertificateProfile ANY = profile(Set.of(DeviceKeyType.EC_P256, DeviceKeyType.EC_P384,
            DeviceKeyType.RSA, DeviceKeyType.ED25519));

    private static CertificateProfile profile(Set<DeviceKeyType> types) {
        return new CertificateProfile("p", Duration.ofDays(1), false, types, 2048, 4096, Optional.empty(),
                List.of("clientAuth"), Duration.ZERO, RenewalKey.ANY);
    }

    private static SubjectPublicKeyInfo spki(java.security.KeyPair key) {
        return SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
    }

    static Stream<Arguments> rows() throws Exception {
        SubjectPublicKeyInfo p256 = spki(TestCsrs.ecP256());
        SubjectPublicKeyInfo rsa2048 = spki(TestCsrs.rsa(2048));
        KeyPairGenerator ed = KeyPairGenerator.getInstance("Ed25519");
        SubjectPublicKeyInfo ed25519 = SubjectPublicKeyInfo.getInstance(ed.generateKeyPair().getPublic().getEncoded());
        byte[] point = p256.getPublicKeyData().getOctets();
        byte[] offCurve = point.clone();
        offCurve[offCurve.length - 1] ^= 1;
        byte[] compressed = new byte[33];
        compressed[0] = (byte) (0x02 + (point[64] & 1));
        System.arraycopy(point, 1, compressed, 1, 32);
        RSAPublicKey rsa = RSAPublicKey.getInstance(rsa2048.parsePublicKey());
        AlgorithmIdentifier rsaAlg = new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
        return Stream.of(
                Arguments.of("EC P-256", EC_ONLY, p256, "EC_P256"),
                Arguments.of("EC P-384 under a P-256 profile", EC_ONLY, spki(TestCsrs.ecKey("secp384r1")), "bad-public-key"),
                Arguments.of("EC P-384", ANY, spki(TestCsrs.ecKey("secp384r1")), "EC_P384"),
                Arguments.of("secp256k1", ANY, spki(secp256k1()), "bad-public-key"),
                Arguments.of("EC point off the curve", ANY, new SubjectPublicKeyInfo(p256.getAlgorithm(), offCurve), "bad-public-key"),
                Arguments.of("EC compressed point", ANY, new SubjectPublicKeyInfo(p256.getAlgorithm(), compressed), "bad-public-key"),
                Arguments.of("EC without a named curve", ANY, new SubjectPublicKeyInfo(
                        new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, DERNull.INSTANCE), point), "bad-public-key"),
                Arguments.of("RSA 2048", ANY, rsa2048, "RSA"),
                Arguments.of("RSA under an EC profile", EC_ONLY, rsa2048, "bad-public-key"),
                Arguments.of("RSA 1024", ANY, spki(TestCsrs.rsa(1024)), "bad-public-key"),
                Arguments.of("RSA without NULL parameters", ANY, new SubjectPublicKeyInfo(
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption), rsa), "bad-public-key"),
                Arguments.of("RSA exponent 3", ANY, new SubjectPublicKeyInfo(rsaAlg,
                        new RSAPublicKey(rsa.getModulus(), BigInteger.valueOf(3))), "bad-public-key"),
                Arguments.of("RSA even modulus", ANY, new SubjectPublicKeyInfo(rsaAlg,
                        new RSAPublicKey(rsa.getModulus().clearBit(0), rsa.getPublicExponent())), "weak-key"),
                Arguments.of("Ed25519", ANY, ed25519, "ED25519"),
                Arguments.of("Ed25519 of 31 bytes", ANY, new SubjectPublicKeyInfo(ed25519.getAlgorithm(), new byte[31]), "bad-public-key"),
                Arguments.of("DSA", ANY, new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_dsa),
                        new DEROctetString(new byte[8])), "bad-public-key"));
    }

    /** The JDK dropped secp256k1; BouncyCastle's provider still makes one (only to be refused). */
    private static java.security.KeyPair secp256k1() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider());
        g.initialize(new java.security.spec.ECGenParameterSpec("secp256k1"));
        return g.generateKeyPair();
    }

    @ParameterizedTest(name = "{0} -> {3}")
    @MethodSource("rows")
    void decides(String row, CertificateProfile profile, SubjectPublicKeyInfo spki, String expected) {
        String outcome;
        try {
            outcome = PublicKeyPolicy.check(spki, profile).name();
        } catch (io.fleetca.common.FleetCaException e) {
            outcome = e.type().slug();
        }
        assertEquals(expected, outcome);
    }
}
