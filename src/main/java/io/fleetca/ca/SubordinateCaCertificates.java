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
    public static final String PROFILE = io.fleetca.common.ReservedProfiles.CA;

    @Inject
    LintedSigner signer;

    @Inject
    IssuanceLedger ledger;

    @Inject
    CaConfig config;

    @Inject
    Clock clock;

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
            IssuanceLedger.Recorded recorded = ledger.recordIssued(signed.issuerId(), signed.serial(),
                    signed.certificate().getEncoded(), clock.instant());
            if (recorded.refusal() == ReservationOutcome.ISSUER_REVOKED) {
                throw parentRevoked(signed.issuerId());
            }
            if (recorded.record() == null) {
                throw new FleetCaException(ProblemType.COMPROMISED_KEY,
                        "the CA key was found compromised while its certificate was signed");
            }
            return recorded.record();
        } catch (IOException e) {
            throw new IllegalStateException("encoding the CA certificate failed", e);
        }
    }

    private SerialNumber reserve(LoadedCa parent, String spkiSha256, Instant notBefore, Instant notAfter) {
        IssuanceLedger.Reserved reserved = ledger.reserveNewSerial(serial -> new SerialReservation(parent.id(),
                serial.hex(), null, null, PROFILE, spkiSha256, notBefore, notAfter, false, null), clock.instant());
        return switch (reserved.outcome()) {
            case RESERVED -> reserved.serial();
            case ISSUER_REVOKED -> throw parentRevoked(parent.id());
            case KEY_COMPROMISED -> throw new FleetCaException(ProblemType.COMPROMISED_KEY,
                    "a certificate of this CA key was revoked for key compromise");
            default -> throw new FleetCaException(ProblemType.KEY_REUSE, "this public key is already certified for a device");
        };
    }

    private static FleetCaException parentRevoked(String parentId) {
        return new FleetCaException(ProblemType.CA_REVOKED, "parent CA " + parentId + " was revoked; it certifies nothing more");
    }
}
