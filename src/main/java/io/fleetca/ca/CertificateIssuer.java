package io.fleetca.ca;

import io.fleetca.ca.lint.CertificateLinter;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SerialNumber;
import io.fleetca.keys.KeyStoreUnavailableException;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.IssuanceLedger;
import io.fleetca.registry.ReservationOutcome;
import io.fleetca.registry.SerialReservation;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;

/**
 * Signs approved issuance requests. It decides nothing: the RA has already checked the
 * caller, the key and the policy. The cycle (docs: ARCHITECTURE.md, "The issuance cycle"):
 * <ol>
 *   <li>compute validity from the profile, capped at the issuer's notAfter;</li>
 *   <li>reserve a random serial in the ledger and commit it, before the HSM is asked anything;</li>
 *   <li>build the to-be-signed certificate from the profile and the authorized device id only;</li>
 *   <li>lint it, signed by a throw-away key, against RFC 5280 rules;</li>
 *   <li>sign the identical TBS once with the issuing CA's key in the key store, and verify the signature;</li>
 *   <li>record the DER, and run the RA's {@link RecordingStep} (its audit event), in one transaction; only
 *       after that commit is the certificate returned.</li>
 * </ol>
 */
@ApplicationScoped
public class CertificateIssuer {

    private static final int MAX_SERIAL_ATTEMPTS = 3;

    @Inject
    IssuanceLedger ledger;

    @Inject
    LintedSigner signer;

    @Inject
    CaConfig config;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry meters;

    private final SecureRandom random = new SecureRandom();

    /** Reserves, signs and records the certificate, running the RA's {@code step} in the recording transaction. */
    public IssuedCertificate issue(IssuanceRequest request, RecordingStep step) {
        LoadedCa issuer = request.issuer();
        Instant now = clock.instant();
        // 1. Validity. RFC 5280 §4.1.2.5: UTCTime/GeneralizedTime carry whole seconds.
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

        // 2. Reserve the serial (own committed transaction).
        SerialNumber serial = reserve(request, notBefore, notAfter, now);
        if (serial == null) {
            return existing(request, now);
        }

        // 3. Build.
        X509v3CertificateBuilder builder = build(request, serial, notBefore, notAfter);
        try {
            // 4-5. Lint a copy signed by a throw-away key, then sign the identical TBS once in the key store.
            Timer.Sample sample = Timer.start(meters);
            X509CertificateHolder cert = signer.sign(builder, CertificateLinter.Kind.END_ENTITY, issuer);
            sample.stop(meters.timer("fleetca.signing.duration", "issuer", issuer.id()));

            // 6. Record with the caller's audit event, in one transaction.
            byte[] der = cert.getEncoded();
            CertificateRecord record = QuarkusTransaction.requiringNew().call(() -> {
                step.beforeRecording();
                CertificateRecord r = ledger.recordIssued(issuer.id(), serial.hex(), der, clock.instant())
                        .orElseThrow(() -> new FleetCaException(ProblemType.DEVICE_DECOMMISSIONED,
                                "device " + request.deviceId() + " was decommissioned, or its key revoked for keyCompromise,"
                                        + " while its certificate was signed"));
                step.recorded(r);
                return r;
            });
            return new IssuedCertificate(record, cert, issuer.chain(), true);
        } catch (KeyStoreUnavailableException e) {
            throw new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE,
                    "the signing key store is unavailable; retry later", Duration.ofSeconds(5));
        } catch (io.fleetca.keys.KeyNotFoundException e) {
            throw HsmContentSigner.keyMissing("CA " + request.issuer().id(), e);
        } catch (IOException e) {
            throw new IllegalStateException("encoding the certificate failed", e);
        }
    }

    private SerialNumber reserve(IssuanceRequest request, Instant notBefore, Instant notAfter, Instant now) {
        for (int attempt = 0; attempt < MAX_SERIAL_ATTEMPTS; attempt++) {
            SerialNumber serial = SerialNumber.random(random);
            ReservationOutcome outcome = ledger.reserve(new SerialReservation(request.issuer().id(), serial.hex(),
                    request.deviceId(), request.stationId(), request.profile().name(), request.spkiSha256(),
                    notBefore, notAfter, request.renewal(), request.token()), now);
            switch (outcome) {
                case RESERVED -> { return serial; }
                case SERIAL_TAKEN -> { /* 2^-127 odds; draw again */ }
                case TOKEN_REPLAYED -> throw new FleetCaException(ProblemType.UNAUTHORIZED,
                        "the token was already used (replayed jti)");
                case KEY_BOUND_TO_OTHER_DEVICE -> throw new FleetCaException(ProblemType.KEY_REUSE,
                        "this public key is already certified for " + ledger.keyOwner(request.spkiSha256())
                                .map(io.fleetca.registry.KeyOwner::describe).orElse("another owner")
                                + "; use a key of its own");
                case KEY_COMPROMISED -> throw new FleetCaException(ProblemType.COMPROMISED_KEY,
                        "a certificate for this public key was revoked for keyCompromise; generate a new key");
                case DEVICE_DECOMMISSIONED -> throw new FleetCaException(ProblemType.DEVICE_DECOMMISSIONED,
                        "device " + request.deviceId() + " is decommissioned");
                case ISSUER_REVOKED -> throw new FleetCaException(ProblemType.CA_REVOKED,
                        "issuing CA " + request.issuer().id() + " was revoked; it issues nothing more");
                case ALREADY_ISSUED -> { return null; }
                case DEVICE_ID_CASE_CONFLICT -> throw new FleetCaException(ProblemType.DEVICE_ID_CASE_CONFLICT,
                        "device id " + request.deviceId() + " differs only in case from the existing device "
                                + ledger.otherCaseOf(request.deviceId()).orElse("(removed meanwhile)"));
                case IN_PROGRESS -> throw new FleetCaException(ProblemType.CONFLICT,
                        "an identical enrollment for this device and key is being signed; retry in a few seconds",
                        Duration.ofSeconds(2));
            }
        }
        throw new IllegalStateException("could not reserve a unique serial");
    }

    /** The valid certificate an identical, concurrent request already got. */
    private IssuedCertificate existing(IssuanceRequest request, Instant now) {
        CertificateRecord record = ledger.issuedFor(request.deviceId(), request.spkiSha256(), request.profile().name())
                .stream().filter(c -> c.validAt(now)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the ledger reported an issued certificate that is gone"));
        try {
            return new IssuedCertificate(record, new X509CertificateHolder(record.der()), request.issuer().chain(), false);
        } catch (IOException e) {
            throw new IllegalStateException("stored certificate does not parse", e);
        }
    }

    private X509v3CertificateBuilder build(IssuanceRequest request, SerialNumber serial, Instant notBefore, Instant notAfter) {
        LoadedCa issuer = request.issuer();
        // The subject comes from the profile and the authorized device id, never from the CSR.
        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        if (request.profile().subjectSerialNumber() && request.deviceId() != null) {
            // IEEE 802.1AR §8.6: the DevID subject carries the device serial number.
            subject.addRDN(BCStyle.SERIALNUMBER, request.deviceId());
        }
        subject.addRDN(BCStyle.CN, request.commonName());
        X500Name subjectName = subject.build();
        try {
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer.certificate().getSubject(), serial.value(),
                    Date.from(notBefore), Date.from(notAfter), subjectName, request.publicKey());
            BcX509ExtensionUtils ext = new BcX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            // RFC 5280 §4.2.1.3 / RFC 8813 §3: ECDSA and EdDSA keys sign only; RSA keys may also encipher (TLS 1.2 RSA kex).
            int usage = request.rsaKey() ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
            b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(request.profile().extendedKeyUsages()
                    .stream().map(CertificateIssuer::keyPurpose).toArray(KeyPurposeId[]::new)));
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
