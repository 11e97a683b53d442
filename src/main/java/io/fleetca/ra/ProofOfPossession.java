package io.fleetca.ra;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SignatureVerifiers;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * RFC 2986 §3 / RFC 4211 §4: the CSR's self-signature proves the requester holds the private key.
 * Only collision-resistant signature algorithms count as proof.
 */
final class ProofOfPossession {

    private static final Set<ASN1ObjectIdentifier> ACCEPTED = Set.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, X9ObjectIdentifiers.ecdsa_with_SHA384,
            X9ObjectIdentifiers.ecdsa_with_SHA512, PKCSObjectIdentifiers.sha256WithRSAEncryption,
            PKCSObjectIdentifiers.sha384WithRSAEncryption, PKCSObjectIdentifiers.sha512WithRSAEncryption,
            PKCSObjectIdentifiers.id_RSASSA_PSS, EdECObjectIdentifiers.id_Ed25519);

    private ProofOfPossession() {}

    static void verify(PKCS10CertificationRequest csr) {
        ASN1ObjectIdentifier alg = csr.getSignatureAlgorithm().getAlgorithm();
        if (!ACCEPTED.contains(alg)) {
            throw new FleetCaException(ProblemType.BAD_CSR_SIGNATURE,
                    "the CSR is signed with " + io.fleetca.common.Text.clip(alg.getId(), 64) + "; use ECDSA or RSA with SHA-256 or stronger, or Ed25519");
        }
        boolean valid;
        try {
            valid = csr.isSignatureValid(SignatureVerifiers.forKey(csr.getSubjectPublicKeyInfo()));
        } catch (Exception e) {
            throw new FleetCaException(ProblemType.BAD_CSR_SIGNATURE, "the CSR signature cannot be verified with its own public key");
        }
        if (!valid) {
            throw new FleetCaException(ProblemType.BAD_CSR_SIGNATURE, "the CSR signature does not verify with its own public key");
        }
    }
}
