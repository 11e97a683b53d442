package io.fleetca.ca;

import io.fleetca.ca.lint.CertificateLinter;
import io.fleetca.common.SignatureVerifiers;
import io.fleetca.keys.CaKeyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * How FleetCA signs every certificate (Boulder's pattern): lint a copy of the certificate, then sign the
 * identical TBS once with the CA's key in the key store, and verify that signature with the CA's certificate
 * before anyone sees the result. The lint copy carries the real signature algorithm (it is part of the TBS)
 * but a placeholder signature: lints read the TBS only, and an ECDSA or RSA signature made just to be
 * thrown away was a fifth of the CPU an enrollment costs.
 * <p>
 * The TBS is encoded once, when the lint copy is built: those bytes are what the key store signs and what the
 * signature is verified over, and the certificate is the lint copy's TBS object with the real signature (RFC
 * 5280 §4.1.1: tbsCertificate, signatureAlgorithm, signatureValue). The signed TBS is the linted one by
 * construction, not by comparing two encodings.
 */
@ApplicationScoped
public class LintedSigner {

    @Inject
    CaKeyStore keys;

    X509CertificateHolder sign(X509v3CertificateBuilder builder, CertificateLinter.Kind kind, LoadedCa issuer) {
        ContentSigner signer = HsmContentSigner.forStoredKey(keys, issuer.record().keyAlias(),
                issuer.keyAlgorithm().signatureAlgorithm());
        PlaceholderSigner placeholder = new PlaceholderSigner(signer.getAlgorithmIdentifier());
        X509CertificateHolder lintCopy = builder.build(placeholder);
        try {
            return signLinted(lintCopy, placeholder.tbs(), signer, kind, issuer.certificate(),
                    SignatureVerifiers.forIssuer(issuer.certificate().getSubjectPublicKeyInfo()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("certificate signing failed", e);
        }
    }

    /**
     * A root: lint a copy of the self-signed certificate (its own issuer), sign the identical TBS once with the
     * new key ({@code signer}, the key store's pending key) and verify that signature with the certified key.
     */
    X509CertificateHolder signRoot(X509v3CertificateBuilder builder, ContentSigner signer) {
        PlaceholderSigner placeholder = new PlaceholderSigner(signer.getAlgorithmIdentifier());
        X509CertificateHolder lintCopy = builder.build(placeholder);
        try {
            return signLinted(lintCopy, placeholder.tbs(), signer, CertificateLinter.Kind.ROOT_CA, lintCopy,
                    SignatureVerifiers.forKey(lintCopy.getSubjectPublicKeyInfo()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("root certificate signing failed", e);
        }
    }

    /** Lints {@code lintCopy}, signs its TBS bytes {@code tbs} with {@code signer}, verifies, assembles. */
    private static X509CertificateHolder signLinted(X509CertificateHolder lintCopy, byte[] tbs, ContentSigner signer,
                                                    CertificateLinter.Kind kind, X509CertificateHolder issuer,
                                                    ContentVerifierProvider verifier) {
        CertificateLinter.lint(kind, lintCopy, issuer);
        AlgorithmIdentifier algorithm = signer.getAlgorithmIdentifier();
        try (OutputStream out = signer.getOutputStream()) {
            out.write(tbs);
        } catch (IOException e) {
            throw new IllegalStateException("certificate signing failed", e);
        }
        byte[] signature = signer.getSignature();   // in the key store; its failures propagate as they are
        if (!verifies(verifier, algorithm, tbs, signature)) {
            throw new IllegalStateException("the key store produced a signature that does not verify");
        }
        DERBitString signatureValue = new DERBitString(signature);
        Certificate certificate = Certificate.getInstance(new DERSequence(new ASN1Encodable[] {
                lintCopy.toASN1Structure().getTBSCertificate(), algorithm, signatureValue}));
        try {
            return new AssembledCertificate(certificate, derSequence(tbs, algorithm.getEncoded(ASN1Encoding.DER),
                    signatureValue.getEncoded(ASN1Encoding.DER)));
        } catch (IOException e) {
            throw new IllegalStateException("encoding the certificate failed", e);
        }
    }

    /**
     * A signed certificate with its DER kept: the TBS bytes that were signed, the algorithm and the signature,
     * in one SEQUENCE (RFC 5280 §4.1). Every use of the certificate (the record, the PEM, EST's PKCS#7) asks for
     * its encoding, and BouncyCastle encodes the whole tree again on each {@code getEncoded()}.
     */
    static final class AssembledCertificate extends X509CertificateHolder {
        private static final long serialVersionUID = 1L;
        private final byte[] der;

        AssembledCertificate(Certificate certificate, byte[] der) {
            super(certificate);
            this.der = der;
        }

        @Override
        public byte[] getEncoded() {
            return der.clone();
        }
    }

    /** DER SEQUENCE of elements already DER-encoded (X.690 §8.9, definite length §10.1). */
    static byte[] derSequence(byte[]... elements) {
        int length = 0;
        for (byte[] e : elements) {
            length += e.length;
        }
        int lengthBytes = length < 0x80 ? 0 : (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
        byte[] out = new byte[2 + lengthBytes + length];
        out[0] = 0x30;
        if (lengthBytes == 0) {
            out[1] = (byte) length;
        } else {
            out[1] = (byte) (0x80 | lengthBytes);
            for (int i = 0; i < lengthBytes; i++) {
                out[2 + i] = (byte) (length >>> (8 * (lengthBytes - 1 - i)));
            }
        }
        int at = 2 + lengthBytes;
        for (byte[] e : elements) {
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length;
        }
        return out;
    }

    private static boolean verifies(ContentVerifierProvider provider, AlgorithmIdentifier algorithm, byte[] tbs,
                                    byte[] signature) {
        try {
            ContentVerifier verifier = provider.get(algorithm);
            try (OutputStream out = verifier.getOutputStream()) {
                out.write(tbs);
            }
            return verifier.verify(signature);
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The real signer's algorithm (so the TBS names it), a fixed placeholder signature, and the TBS bytes BouncyCastle
     * wrote to be signed, kept: the one encoding of the TBS.
     */
    private static final class PlaceholderSigner implements ContentSigner {
        private final AlgorithmIdentifier algorithm;
        private final ByteArrayOutputStream tbs = new ByteArrayOutputStream(1024);

        PlaceholderSigner(AlgorithmIdentifier algorithm) {
            this.algorithm = algorithm;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        @Override
        public OutputStream getOutputStream() {
            return tbs;
        }

        @Override
        public byte[] getSignature() {
            return new byte[] {0};
        }

        byte[] tbs() {
            return tbs.toByteArray();
        }
    }
}
