package io.fleetca.ca;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SerialNumber;
import io.fleetca.keys.CaKeyStore;
import io.fleetca.keys.KeyAlgorithm;
import io.fleetca.keys.KeyStoreUnavailableException;
import io.fleetca.registry.CaRecord;
import io.fleetca.registry.CaRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Consumer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.ContentSigner;

/**
 * Creates root and issuing CAs. Steps:
 * <ol>
 *   <li>check the id, the subject and the parent;</li>
 *   <li>generate the key pair inside the key store (it never leaves it);</li>
 *   <li>build the CA certificate (RFC 5280 §4.2.1.9 basicConstraints cA, §4.2.1.3 keyCertSign and cRLSign)
 *       and sign it with the new key (root) or, serial reserved in the parent's ledger first, the parent's
 *       key (issuing CA, {@link SubordinateCaCertificates});</li>
 *   <li>store the key under its alias with the certificate chain;</li>
 *   <li>record the CA, and run the caller's step (its audit event), in one transaction.</li>
 * </ol>
 */
@ApplicationScoped
public class CaFactory {

    static final String KEY_ALIAS_PREFIX = "fleetca-ca-";

    @Inject
    CaKeyStore keys;

    @Inject
    CaRegistry registry;

    @Inject
    CaDirectory directory;

    @Inject
    SubordinateCaCertificates subordinates;

    @Inject
    LintedSigner lintedSigner;

    @Inject
    Clock clock;

    private final SecureRandom random = new SecureRandom();

    public LoadedCa create(CaSpec spec, Consumer<CaRecord> inSameTransaction) {
        if (spec.id() == null || !spec.id().matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "id must be 1 to 63 lowercase letters, digits or '-', starting with a letter or digit");
        }
        if (spec.id().endsWith("-delta")) {
            // /crl/<id>-delta.crl names the delta CRL of CA <id>; an id ending so would be ambiguous.
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "a CA id must not end in '-delta'");
        }
        if (directory.find(spec.id()).isPresent()) {
            throw new FleetCaException(ProblemType.CONFLICT, "a CA with id " + spec.id() + " already exists");
        }
        X500Name subject = parseSubject(spec.subject());
        KeyAlgorithm algorithm = spec.algorithm();
        LoadedCa parent = spec.parentId().map(id -> directory.find(id).orElseThrow(() ->
                new FleetCaException(ProblemType.MALFORMED_REQUEST, "parent CA " + id + " does not exist"))).orElse(null);
        if (parent != null) {
            BasicConstraints bc = BasicConstraints.fromExtensions(parent.certificate().getExtensions());
            if (bc == null || !bc.isCA() || (bc.getPathLenConstraint() != null && bc.getPathLenConstraint().signum() == 0)) {
                // RFC 5280 §4.2.1.9: a CA with pathLenConstraint 0 may not certify further CAs.
                throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                        "parent CA " + parent.id() + " may not certify other CAs (pathLenConstraint 0); choose a root");
            }
        }
        if (spec.validity().isNegative() || spec.validity().isZero()) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "validity must be positive");
        }
        Instant now = clock.instant();
        Instant notBefore = now.minus(Duration.ofMinutes(5)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant notAfter = now.plus(spec.validity()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        if (parent != null && notAfter.isAfter(parent.record().notAfter())) {
            // RFC 5280 §6.1.3: a child cannot outlive the parent that vouches for it.
            notAfter = parent.record().notAfter();
        }
        if (parent != null && notBefore.isBefore(parent.record().notBefore())) {
            notBefore = parent.record().notBefore(); // nor start before it (ValidityLint)
        }

        try {
            CaKeyStore.PendingKey key = keys.generate(algorithm);
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded());
            SubordinateCaCertificates.Signed signed = null;
            X509CertificateHolder cert;
            if (parent == null) {
                cert = selfSigned(subject, spki, notBefore, notAfter, HsmContentSigner.forPendingKey(key,
                        algorithm.signatureAlgorithm()));
            } else {
                // Serial reserved in the parent's ledger before the parent's key signs; the certificate
                // carries the parent's CRL and OCSP pointers (RFC 5280 §4.2.1.13, §4.2.2.1).
                signed = subordinates.sign(parent, subject, spki, notBefore, notAfter);
                cert = signed.certificate();
            }

            List<X509CertificateHolder> chain = new ArrayList<>();
            chain.add(cert);
            if (parent != null) {
                chain.addAll(parent.chain());
            }
            // A random suffix: two concurrent creations of one id never share (or overwrite) a key entry.
            String alias = KEY_ALIAS_PREFIX + spec.id() + "-" + SerialNumber.random(random).hex().substring(0, 8);
            keys.store(alias, key, toJca(chain));

            byte[] der = cert.getEncoded();
            CaRecord record = new CaRecord(spec.id(), parent == null ? null : parent.id(), subject.toString(), alias,
                    algorithm.name(), notBefore, notAfter, der, io.fleetca.common.Text.sha256Hex(der), now);
            try {
                SubordinateCaCertificates.Signed inParentLedger = signed;
                QuarkusTransaction.requiringNew().run(() -> {
                    registry.add(record);
                    if (inParentLedger != null) {
                        subordinates.record(inParentLedger);
                    }
                    inSameTransaction.accept(record);
                });
            } catch (RuntimeException e) {
                // Not recorded: the key and its certificate must not survive (a CA the registry does not know).
                keys.delete(alias);
                if (directory.find(spec.id()).isPresent()) {
                    throw new FleetCaException(ProblemType.CONFLICT, "a CA with id " + spec.id() + " already exists");
                }
                throw e;
            }
            directory.created();
            return directory.find(spec.id()).orElseThrow();
        } catch (KeyStoreUnavailableException e) {
            throw new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE,
                    "the key store is unavailable; retry later", Duration.ofSeconds(5));
        } catch (io.fleetca.keys.KeyNotFoundException e) {
            throw HsmContentSigner.keyMissing("parent CA " + (parent == null ? "" : parent.id()), e);
        } catch (java.io.IOException | CertificateException e) {
            throw new IllegalStateException("building the CA certificate failed", e);
        }
    }

    /**
     * A root: RFC 5280 §4.2.1.9 basicConstraints cA without a path length, signed with its own new key, its
     * AKI its own SKI (§4.2.1.1 lets a self-signed certificate omit it; with it, path builders match a
     * renewed root's certificates by key). Linted as a root ({@link LintedSigner#signRoot}).
     */
    private X509CertificateHolder selfSigned(X500Name subject, SubjectPublicKeyInfo spki, Instant notBefore,
                                             Instant notAfter, ContentSigner signer)
            throws java.io.IOException {
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, SerialNumber.random(random).value(),
                Date.from(notBefore), Date.from(notAfter), subject, spki);
        BcX509ExtensionUtils ext = new BcX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
        builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(spki));
        builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(spki));
        return lintedSigner.signRoot(builder, signer);
    }

    private static X500Name parseSubject(String subject) {
        if (subject == null || subject.length() > 1024 || io.fleetca.common.Text.hasControlCharacters(subject)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "subject must be a distinguished name of at most 1024 characters without control characters");
        }
        try {
            X500Name name = new X500Name(subject);
            if (name.getRDNs().length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return name;
        } catch (RuntimeException e) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "subject must be a non-empty distinguished name such as 'CN=Fleet Issuing CA,O=Example'");
        }
    }

    private static X509Certificate[] toJca(List<X509CertificateHolder> chain) throws CertificateException {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        X509Certificate[] out = new X509Certificate[chain.size()];
        for (int i = 0; i < chain.size(); i++) {
            out[i] = converter.getCertificate(chain.get(i));
        }
        return out;
    }
}
