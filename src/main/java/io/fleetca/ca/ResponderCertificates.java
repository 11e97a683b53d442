package io.fleetca.ca;

import io.fleetca.ca.lint.CertificateLinter;
import io.fleetca.keys.CaKeyStore;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.keys.KeyNotFoundException;
import io.fleetca.keys.KeyStoreUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.ContentSigner;

/**
 * Delegated OCSP responder certificates (RFC 6960 §4.2.2.2): a key generated in the key store,
 * certified by the issuing CA for OCSPSigning only, with id-pkix-ocsp-nocheck (§4.2.2.2.1) so
 * clients need not check the responder's own status; the validity is short for that reason.
 */
@ApplicationScoped
public class ResponderCertificates {

    static final String KEY_ALIAS_PREFIX = "fleetca-ocsp-";

    @Inject
    CaKeyStore keys;

    @Inject
    LintedSigner signer;

    public String aliasFor(String caId, String serialHex) {
        return KEY_ALIAS_PREFIX + caId + "-" + serialHex.substring(0, 8);
    }

    /**
     * Generates the responder key inside the key store, has the CA sign its certificate (serial already
     * reserved by the caller), stores the key under {@code alias} and returns the certificate.
     */
    public X509CertificateHolder issue(LoadedCa ca, BigInteger serial, String alias, Instant notBefore, Instant notAfter) {
        try {
            return issueInStore(ca, serial, alias, notBefore, notAfter);
        } catch (KeyStoreUnavailableException e) {
            throw unavailable();
        } catch (KeyNotFoundException e) {
            throw HsmContentSigner.keyMissing("CA " + ca.id(), e);
        }
    }

    private X509CertificateHolder issueInStore(LoadedCa ca, BigInteger serial, String alias, Instant notBefore,
                                               Instant notAfter) {
        CaKeyStore.PendingKey key = keys.generate(ca.keyAlgorithm());
        SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded());
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, "OCSP Responder " + ca.id()).build();
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(ca.certificate().getSubject(), serial,
                    Date.from(notBefore), Date.from(notAfter), subject, spki);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
            b.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            b.addExtension(Extension.subjectKeyIdentifier, false, new BcX509ExtensionUtils().createSubjectKeyIdentifier(spki));
            b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(ca.subjectKeyIdentifier()));
            X509CertificateHolder cert = signer.sign(b, CertificateLinter.Kind.OCSP_RESPONDER, ca);
            List<X509CertificateHolder> chain = new ArrayList<>();
            chain.add(cert);
            chain.addAll(ca.chain());
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            X509Certificate[] jca = new X509Certificate[chain.size()];
            for (int i = 0; i < jca.length; i++) {
                jca[i] = converter.getCertificate(chain.get(i));
            }
            keys.store(alias, key, jca);
            return cert;
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException("issuing the OCSP responder certificate failed", e);
        }
    }

    /**
     * Signs with the responder key under {@code alias} (same algorithm as its CA's key). An unavailable
     * key store surfaces as a {@link FleetCaException} of type KEY_STORE_UNAVAILABLE; a responder key
     * missing from a store that answers as a {@link ResponderKeyMissingException}.
     */
    public ContentSigner signer(String alias, LoadedCa ca) {
        ContentSigner inStore = HsmContentSigner.forStoredKey(keys, alias, ca.keyAlgorithm().signatureAlgorithm());
        return new ContentSigner() {
            @Override
            public org.bouncycastle.asn1.x509.AlgorithmIdentifier getAlgorithmIdentifier() {
                return inStore.getAlgorithmIdentifier();
            }

            @Override
            public java.io.OutputStream getOutputStream() {
                return inStore.getOutputStream();
            }

            @Override
            public byte[] getSignature() {
                try {
                    return inStore.getSignature();
                } catch (KeyStoreUnavailableException e) {
                    throw unavailable();
                } catch (KeyNotFoundException e) {
                    throw new ResponderKeyMissingException(ca.id(), alias);
                }
            }
        };
    }

    /**
     * The key of a responder the database still names is gone from the token, which answers (deleted by
     * hand, or a token restored from an older backup). Retrying will not help; a successor will.
     */
    public static final class ResponderKeyMissingException extends RuntimeException {
        private final String caId;
        private final String alias;

        ResponderKeyMissingException(String caId, String alias) {
            super("the key of OCSP responder " + alias + " of CA " + caId + " is not in the key store");
            this.caId = caId;
            this.alias = alias;
        }

        public String caId() { return caId; }

        public String alias() { return alias; }
    }

    private static FleetCaException unavailable() {
        return new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE, "the signing key store is unavailable; retry later",
                java.time.Duration.ofSeconds(5));
    }

    /** Removes an expired responder's key from the token. */
    public void deleteKey(String alias) {
        try {
            keys.delete(alias);
        } catch (KeyStoreUnavailableException e) {
            throw unavailable();
        }
    }
}
