package io.fleetca.ca;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SerialNumber;
import io.fleetca.common.Text;
import io.fleetca.ca.lint.CertificateLinter;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.IssuanceLedger;
import io.fleetca.registry.ReservationOutcome;
import io.fleetca.registry.SerialReservation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;

/**
 * Certificates of CAs under a parent (issuing CAs), signed with the parent's key. They are ledger rows
 * of the parent like any certificate it signs, so the parent's OCSP responder and CRLs cover them:
 * <ol>
 *   <li>reserve a random serial in the parent's ledger (profile {@value #PROFILE}) and commit it before
 *       the key store is asked anything;</li>
 *   <li>build the certificate: RFC 5280 §4.2.1.9 basicConstraints cA with pathLenConstraint 0,
 *       §4.2.1.3 keyCertSign and cRLSign, SKI/AKI, and the revocation pointers of the parent (CRL
 *       distribution point, AIA with OCSP and caIssuers) so a path validator can check this link;</li>
 *   <li>lint a copy signed by a throw-away key, sign the same TBS once with the parent's key and verify
 *       the signature ({@link LintedSigner});</li>
 *   <li>the caller records it ({@link #record}) in the transaction that stores the CA.</li>
 * </ol>
 */
@ApplicationScoped
public class SubordinateCaCertificates {

    /** Ledger profile of CA certificates; reserved (CertificateProfiles.RESERVED_NAMES). */
    public static final String PROFILE = "ca";

    @Inject
    LintedSigner signer;

    @Inject
    IssuanceLedger ledger;

    @Inject
    CaConfig config;

    @Inject
    Clock clock;

    private final SecureRandom random = new SecureRandom();

    /** A signed CA certificate whose serial is reserved in the parent's ledger, not yet recorded. */
    public record Signed(String issuerId, String serial, X509CertificateHolder certificate) {}

    Signed sign(LoadedCa parent, X500Name subject, SubjectPublicKeyInfo spki, Instant notBefore, Instant notAfter) {
        try {
            String spkiSha256 = Text.sha256Hex(spki.getEncoded(ASN1Encoding.DER));
            SerialNumber serial = reserve(parent, spkiSha256, notBefore, notAfter);
            BcX509ExtensionUtils ext = new BcX509ExtensionUtils();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(parent.certificate().getSubject(),
                    serial.value(), Date.from(notBefore), Date.from(notAfter), subject, spki);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(spki));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new AuthorityKeyIdentifier(parent.subjectKeyIdentifier()));
            RevocationPointers.add(builder, config.publicUrl(), parent.id());
            // Linted (SubordinateCaLint, RevocationPointersLint and the common lints), then signed once.
            return new Signed(parent.id(), serial.hex(), signer.sign(builder, CertificateLinter.Kind.SUBORDINATE_CA, parent));
        } catch (IOException e) {
            throw new IllegalStateException("building the CA certificate failed", e);
        }
    }

    /** Records a signed CA certificate in the parent's ledger; part of the caller's transaction. */
    CertificateRecord record(Signed signed) {
        try {
            return ledger.recordIssued(signed.issuerId(), signed.serial(), signed.certificate().getEncoded(), clock.instant())
                    .orElseThrow(() -> new FleetCaException(ProblemType.COMPROMISED_KEY,
                            "the CA key was found compromised while its certificate was signed"));
        } catch (IOException e) {
            throw new IllegalStateException("encoding the CA certificate failed", e);
        }
    }

    private SerialNumber reserve(LoadedCa parent, String spkiSha256, Instant notBefore, Instant notAfter) {
        for (int attempt = 0; attempt < 3; attempt++) {
            SerialNumber serial = SerialNumber.random(random);
            ReservationOutcome outcome = ledger.reserve(new SerialReservation(parent.id(), serial.hex(), null, null,
                    PROFILE, spkiSha256, notBefore, notAfter, false, null), clock.instant());
            switch (outcome) {
                case RESERVED -> { return serial; }
                case SERIAL_TAKEN -> { /* 2^-127 odds; draw again */ }
                case ISSUER_REVOKED -> throw new FleetCaException(ProblemType.CA_REVOKED,
                        "parent CA " + parent.id() + " was revoked; it certifies nothing more");
                case KEY_COMPROMISED -> throw new FleetCaException(ProblemType.COMPROMISED_KEY,
                        "a certificate of this CA key was revoked for key compromise");
                default -> throw new FleetCaException(ProblemType.KEY_REUSE,
                        "this public key is already certified for a device");
            }
        }
        throw new IllegalStateException("could not reserve a unique serial");
    }
}
