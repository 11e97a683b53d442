package io.fleetca.ca;

import io.fleetca.ca.lint.CertificateLinter;
import io.fleetca.keys.CaKeyStore;
import io.fleetca.keys.KeyAlgorithm;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

/**
 * How FleetCA signs every certificate (Boulder's pattern): lint a copy signed by a throw-away key of the
 * same algorithm, then sign the identical TBS once with the CA's key in the key store, and verify that
 * signature with the CA's certificate before anyone sees the result.
 */
@ApplicationScoped
public class LintedSigner {

    @Inject
    CaKeyStore keys;

    private final Map<KeyAlgorithm, KeyPair> lintKeys = new EnumMap<>(KeyAlgorithm.class);

    X509CertificateHolder sign(X509v3CertificateBuilder builder, CertificateLinter.Kind kind, LoadedCa issuer) {
        try {
            X509CertificateHolder lintCopy = builder.build(new JcaContentSignerBuilder(
                    issuer.keyAlgorithm().signatureAlgorithm()).build(lintKey(issuer.keyAlgorithm()).getPrivate()));
            CertificateLinter.lint(kind, lintCopy, issuer.certificate());
            X509CertificateHolder cert = builder.build(HsmContentSigner.forStoredKey(keys, issuer.record().keyAlias(),
                    issuer.keyAlgorithm().signatureAlgorithm()));
            if (!Arrays.equals(cert.toASN1Structure().getTBSCertificate().getEncoded(),
                    lintCopy.toASN1Structure().getTBSCertificate().getEncoded())) {
                throw new IllegalStateException("signed TBS differs from the linted TBS");
            }
            if (!cert.isSignatureValid(new JcaContentVerifierProviderBuilder().build(issuer.certificate()))) {
                throw new IllegalStateException("the key store produced a signature that does not verify");
            }
            return cert;
        } catch (OperatorCreationException | GeneralSecurityException | IOException | CertException e) {
            throw new IllegalStateException("certificate signing failed", e);
        }
    }

    private synchronized KeyPair lintKey(KeyAlgorithm algorithm) throws GeneralSecurityException {
        KeyPair pair = lintKeys.get(algorithm);
        if (pair == null) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.jcaKeyType());
            generator.initialize(algorithm.generationSpec());
            pair = generator.generateKeyPair();
            lintKeys.put(algorithm, pair);
        }
        return pair;
    }
}
