package io.fleetca.ca;

import io.fleetca.ca.lint.CertificateLinter;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SerialNumber;
import io.fleetca.keys.KeyNotFoundException;
import io.fleetca.keys.KeyStoreUnavailableException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;

/**
 * Signs end-entity certificates the RA approved, under a serial the RA has reserved. It decides nothing
 * and knows nothing of credentials, codes or predecessors: it turns an {@link IssuanceRequest} into a TBS
 * certificate (subject from the profile and the authorized id only, never from the CSR), lints a copy
 * signed by a throw-away key against RFC 5280 rules, signs the identical TBS once with the issuing CA's
 * key in the key store and verifies that signature ({@link LintedSigner}).
 */
@ApplicationScoped
public class CertificateSigner {

    @Inject
    LintedSigner signer;

    @Inject
    CaConfig config;

    @Inject
    MeterRegistry meters;

    /**
     * The validity a certificate of this request gets when signed at {@code now}: from the profile (backdated
     * for clock skew), capped by the issuing CA's own validity. RFC 5280 §4.1.2.5: whole seconds.
     */
    public Validity validity(IssuanceRequest request, Instant now) {
        LoadedCa issuer = request.issuer();
        Instant notBefore = now.minus(request.profile().backdate()).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = now.plus(request.profile().validity()).truncatedTo(ChronoUnit.SECONDS);
        if (notAfter.isAfter(issuer.record().notAfter())) {
            notAfter = issuer.record().notAfter();
        }
        if (notBefore.isBefore(issuer.record().notBefore())) {
            notBefore = issuer.record().notBefore();
        }
        if (!notAfter.isAfter(now)) {
            throw new FleetCaException(ProblemType.CONFLICT, "issuing CA " + issuer.id() + " has expired");
        }
        return new Validity(notBefore, notAfter);
    }

    /** Signs the certificate under the reserved {@code serial}; the key store's failures become problems. */
    public X509CertificateHolder sign(IssuanceRequest request, SerialNumber serial, Validity validity) {
        LoadedCa issuer = request.issuer();
        X509v3CertificateBuilder builder = build(request, serial, validity);
        try {
            Timer.Sample sample = Timer.start(meters);
            X509CertificateHolder cert = signer.sign(builder, CertificateLinter.Kind.END_ENTITY, issuer);
            sample.stop(meters.timer("fleetca.signing.duration", "issuer", issuer.id()));
            return cert;
        } catch (KeyStoreUnavailableException e) {
            throw new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE,
                    "the signing key store is unavailable; retry later", Duration.ofSeconds(5));
        } catch (KeyNotFoundException e) {
            throw HsmContentSigner.keyMissing("CA " + issuer.id(), e);
        }
    }

    private X509v3CertificateBuilder build(IssuanceRequest request, SerialNumber serial, Validity validity) {
        LoadedCa issuer = request.issuer();
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        if (request.profile().subjectSerialNumber() && request.deviceId() != null) {
            // IEEE 802.1AR §8.6: the DevID subject carries the device serial number.
            subject.addRDN(BCStyle.SERIALNUMBER, request.deviceId());
        }
        subject.addRDN(BCStyle.CN, request.commonName());
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer.certificate().getSubject(), serial.value(),
                    Date.from(validity.notBefore()), Date.from(validity.notAfter()), subject.build(), request.publicKey());
            BcX509ExtensionUtils ext = new BcX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            // RFC 5280 §4.2.1.3 / RFC 8813 §3: ECDSA and EdDSA keys sign only; RSA keys may also encipher (TLS 1.2 RSA kex).
            int usage = request.rsaKey() ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
            b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(request.profile().extendedKeyUsages()
                    .stream().map(CertificateSigner::keyPurpose).toArray(KeyPurposeId[]::new)));
            if (!request.subjectAltNames().isEmpty()) {
                // RFC 5280 §4.2.1.6: names a TLS client checks the server against (dNSName, iPAddress).
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(request.subjectAltNames().toArray(GeneralName[]::new)));
            }
            if (!request.policyOids().isEmpty()) {
                // RFC 5280 §4.2.1.4: policy identifiers only, no qualifiers; not critical, so relying parties
                // that do not know FleetCA's OIDs still accept the certificate.
                b.addExtension(Extension.certificatePolicies, false, new CertificatePolicies(request.policyOids().stream()
                        .map(oid -> new PolicyInformation(new ASN1ObjectIdentifier(oid))).toArray(PolicyInformation[]::new)));
            }
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(request.publicKey()));
            b.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(issuer.subjectKeyIdentifier()));
            RevocationPointers.add(b, config.publicUrl(), issuer.id());
            return b;
        } catch (IOException e) {
            throw new IllegalStateException("building the certificate failed", e);
        }
    }

    private static KeyPurposeId keyPurpose(String name) {
        return switch (name) {
            case "clientAuth" -> KeyPurposeId.id_kp_clientAuth;
            case "serverAuth" -> KeyPurposeId.id_kp_serverAuth;
            default -> throw new IllegalStateException("unknown extended key usage " + name);
        };
    }
}
