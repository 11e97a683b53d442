package io.fleetca.ca;

import io.fleetca.keys.KeyAlgorithm;
import io.fleetca.registry.CaRecord;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A CA ready to sign: its record, parsed certificate, key algorithm and chain
 * (this CA first, then its parents up to the root).
 */
public record LoadedCa(CaRecord record, X509CertificateHolder certificate, KeyAlgorithm keyAlgorithm,
                       List<X509CertificateHolder> chain) {

    public String id() { return record.id(); }

    /** SHA-256 of the CA key's DER SubjectPublicKeyInfo, as the ledger's spki_sha256 names keys. */
    public String spkiSha256() {
        try {
            return io.fleetca.common.Text.sha256Hex(certificate.getSubjectPublicKeyInfo()
                    .getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("encoding the key of CA " + id() + " failed", e);
        }
    }

    /** RFC 5280 §4.2.1.1: a child's AKI keyIdentifier is its issuer's SKI. */
    byte[] subjectKeyIdentifier() {
        SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(certificate.getExtensions());
        if (ski == null) {
            throw new IllegalStateException("CA " + id() + " has no subject key identifier");
        }
        return ski.getKeyIdentifier();
    }
}
