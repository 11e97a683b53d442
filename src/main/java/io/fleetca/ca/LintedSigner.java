package io.fleetca.ca;

import io.fleetca.ca.lint.CertificateLinter;
import io.fleetca.keys.CaKeyStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Arrays;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import io.fleetca.common.SignatureVerifiers;

/**
 * How FleetCA signs every certificate (Boulder's pattern): lint a copy of the certificate, then sign the
 * identical TBS once with the CA's key in the key store, and verify that signature with the CA's certificate
 * before anyone sees the result. The lint copy carries the real signature algorithm (it is part of the TBS)
 * but a placeholder signature: lints read the TBS only, and an ECDSA or RSA signature made just to be
 * thrown away was a fifth of the CPU an enrollment costs.
 */
@ApplicationScoped
public class LintedSigner {

    @Inject
    CaKeyStore keys;

    X509CertificateHolder sign(X509v3CertificateBuilder builder, CertificateLinter.Kind kind, LoadedCa issuer) {
        try {
            X509CertificateHolder lintCopy = builder.build(new PlaceholderSigner(issuer.keyAlgorithm().signatureAlgorithm()));
            CertificateLinter.lint(kind, lintCopy, issuer.certificate());
            X509CertificateHolder cert = builder.build(HsmContentSigner.forStoredKey(keys, issuer.record().keyAlias(),
                    issuer.keyAlgorithm().signatureAlgorithm()));
            if (!Arrays.equals(cert.toASN1Structure().getTBSCertificate().getEncoded(),
                    lintCopy.toASN1Structure().getTBSCertificate().getEncoded())) {
                throw new IllegalStateException("signed TBS differs from the linted TBS");
            }
            if (!cert.isSignatureValid(SignatureVerifiers.forIssuer(issuer.certificate().getSubjectPublicKeyInfo()))) {
                throw new IllegalStateException("the key store produced a signature that does not verify");
            }
            return cert;
        } catch (OperatorCreationException | IOException | CertException e) {
            throw new IllegalStateException("certificate signing failed", e);
        }
    }

    /**
     * A root: lint a copy of the self-signed certificate (its own issuer), sign the identical TBS once with the
     * new key ({@code signer}, the key store's pending key) and verify that signature with the certified key.
     */
    X509CertificateHolder signRoot(X509v3CertificateBuilder builder, org.bouncycastle.operator.ContentSigner signer,
                                   String signatureAlgorithm) {
        try {
            X509CertificateHolder lintCopy = builder.build(new PlaceholderSigner(signatureAlgorithm));
            CertificateLinter.lint(CertificateLinter.Kind.ROOT_CA, lintCopy, lintCopy);
            X509CertificateHolder cert = builder.build(signer);
            if (!Arrays.equals(cert.toASN1Structure().getTBSCertificate().getEncoded(),
                    lintCopy.toASN1Structure().getTBSCertificate().getEncoded())) {
                throw new IllegalStateException("signed TBS differs from the linted TBS");
            }
            if (!cert.isSignatureValid(SignatureVerifiers.forKey(cert.getSubjectPublicKeyInfo()))) {
                throw new IllegalStateException("the key store produced a signature that does not verify");
            }
            return cert;
        } catch (OperatorCreationException | IOException | CertException e) {
            throw new IllegalStateException("root certificate signing failed", e);
        }
    }

    /** The signature algorithm of the real signer, an output that is discarded, and a fixed placeholder signature. */
    private static final class PlaceholderSigner implements org.bouncycastle.operator.ContentSigner {
        private final org.bouncycastle.asn1.x509.AlgorithmIdentifier algorithm;

        PlaceholderSigner(String jcaAlgorithm) {
            this.algorithm = new org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder().find(jcaAlgorithm);
        }

        @Override
        public org.bouncycastle.asn1.x509.AlgorithmIdentifier getAlgorithmIdentifier() {
            return algorithm;
        }

        @Override
        public java.io.OutputStream getOutputStream() {
            return java.io.OutputStream.nullOutputStream();
        }

        @Override
        public byte[] getSignature() {
            return new byte[] {0};
        }
    }
}
