package io.fleetca.ra;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.DeviceKeyType;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Checks a device public key against a profile: type and size, RSA exponent and modulus
 * sanity, EC point validity, and known-weak RSA keys (ROCA, Fermat-factorable).
 */
final class PublicKeyPolicy {

    /** CA/Browser Forum BR §6.1.6: 2^16+1 <= e <= 2^256-1, e odd. */
    private static final BigInteger MIN_EXPONENT = BigInteger.valueOf(65537);
    private static final BigInteger MAX_EXPONENT = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    /** Product of the primes below 752, as in Boulder's goodkey: a modulus sharing one is trivially factorable. */
    private static final BigInteger SMALL_PRIMES_PRODUCT = smallPrimesProduct(752);

    private PublicKeyPolicy() {}

    static DeviceKeyType check(SubjectPublicKeyInfo spki, CertificateProfile profile) {
        if (spki.getPublicKeyData().getPadBits() != 0) {
            // RFC 5480 §2.2, RFC 3279 §2.3.1, RFC 8410 §3: every key FleetCA takes is whole octets. Found by CsrFuzzTest
            // (reading such a BIT STRING's octets threw, a 500 where the key policy ran before proof of possession).
            throw bad("the subjectPublicKey BIT STRING has unused bits; public keys are whole octets");
        }
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        DeviceKeyType type;
        if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            type = checkEc(spki);
        } else if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            type = DeviceKeyType.RSA;
            // RFC 3279 §2.3.1: the parameters MUST be NULL. One key has one encoding, so the key-reuse
            // check (a hash of the encoding) cannot be side-stepped by re-encoding the same key.
            if (!DERNull.INSTANCE.equals(spki.getAlgorithm().getParameters())) {
                throw bad("RSA keys must carry NULL algorithm parameters (RFC 3279 §2.3.1)");
            }
        } else if (alg.equals(EdECObjectIdentifiers.id_Ed25519)) {
            type = DeviceKeyType.ED25519;
            if (spki.getAlgorithm().getParameters() != null) {
                throw bad("Ed25519 keys carry no algorithm parameters (RFC 8410 §3)");
            }
            if (spki.getPublicKeyData().getOctets().length != 32) {
                throw bad("the Ed25519 public key is not 32 bytes (RFC 8410 §3)");
            }
        } else {
            throw bad("key algorithm " + alg.getId() + " is not supported; use EC P-256, EC P-384, RSA or Ed25519");
        }
        if (!profile.keyTypes().contains(type)) {
            throw bad("profile " + profile.name() + " does not allow " + type + " keys; it allows " + profile.keyTypes());
        }
        if (type == DeviceKeyType.RSA) {
            checkRsa(spki, profile);
        }
        return type;
    }

    /** Hex SHA-256 of the DER SubjectPublicKeyInfo: how the key-reuse ledger (device_key) names a key. */
    static String sha256Hex(SubjectPublicKeyInfo spki) {
        try {
            return io.fleetca.common.Text.sha256Hex(spki.getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static DeviceKeyType checkEc(SubjectPublicKeyInfo spki) {
        // RFC 5480 §2.1.1: only namedCurve parameters; implicit and explicit curves are refused.
        if (!(spki.getAlgorithm().getParameters() instanceof ASN1ObjectIdentifier curve)) {
            throw bad("EC keys must name their curve (RFC 5480 §2.1.1)");
        }
        DeviceKeyType type;
        if (curve.equals(SECObjectIdentifiers.secp256r1)) {
            type = DeviceKeyType.EC_P256;
        } else if (curve.equals(SECObjectIdentifiers.secp384r1)) {
            type = DeviceKeyType.EC_P384;
        } else {
            throw bad("EC curve " + curve.getId() + " is not allowed; use P-256 or P-384");
        }
        byte[] encoded = spki.getPublicKeyData().getOctets();
        if (encoded.length == 0 || encoded[0] != 0x04) {
            // RFC 5480 §2.2: uncompressed form; one key, one encoding (see the RSA case).
            throw bad("EC public keys must use the uncompressed point form (RFC 5480 §2.2)");
        }
        X9ECParameters params = CustomNamedCurves.getByOID(curve);
        try {
            // SEC 1 v2 §3.2.2.1: the point decodes, lies on the curve, is not infinity, and has order n (cofactor 1).
            ECPoint point = params.getCurve().decodePoint(spki.getPublicKeyData().getOctets());
            if (point.isInfinity() || !point.isValid()) {
                throw bad("the EC public key is not a valid point on " + type);
            }
        } catch (IllegalArgumentException e) {
            throw bad("the EC public key is not a valid point on " + type);
        }
        return type;
    }

    private static void checkRsa(SubjectPublicKeyInfo spki, CertificateProfile profile) {
        RSAPublicKey key;
        try {
            key = RSAPublicKey.getInstance(spki.parsePublicKey());
        } catch (Exception e) {
            throw bad("the RSA public key does not parse (RFC 8017 §A.1.1)");
        }
        BigInteger n = key.getModulus();
        BigInteger e = key.getPublicExponent();
        int bits = n.bitLength();
        if (bits < profile.rsaMinBits() || bits > profile.rsaMaxBits()) {
            throw bad("RSA modulus of " + bits + " bits is outside " + profile.rsaMinBits() + " to "
                    + profile.rsaMaxBits() + " bits allowed by profile " + profile.name());
        }
        if (!e.testBit(0) || e.compareTo(MIN_EXPONENT) < 0 || e.compareTo(MAX_EXPONENT) > 0) {
            throw bad("RSA public exponent must be odd and between 65537 and 2^256-1");
        }
        if (!n.testBit(0) || !n.gcd(SMALL_PRIMES_PRODUCT).equals(BigInteger.ONE)) {
            throw weak("the RSA modulus has a small prime factor");
        }
        if (WeakRsaKeys.isRocaVulnerable(n)) {
            throw weak("the RSA key has the ROCA fingerprint (CVE-2017-15361)");
        }
        if (WeakRsaKeys.isFermatFactorable(n, WeakRsaKeys.FERMAT_ROUNDS)) {
            throw weak("the RSA modulus is Fermat-factorable (its prime factors are too close)");
        }
    }

    private static FleetCaException bad(String detail) {
        return new FleetCaException(ProblemType.BAD_PUBLIC_KEY, detail);
    }

    private static FleetCaException weak(String detail) {
        return new FleetCaException(ProblemType.WEAK_KEY, detail);
    }

    private static BigInteger smallPrimesProduct(int below) {
        BigInteger product = BigInteger.ONE;
        for (int p = 2; p < below; p++) {
            if (BigInteger.valueOf(p).isProbablePrime(50)) {
                product = product.multiply(BigInteger.valueOf(p));
            }
        }
        return product;
    }
}
