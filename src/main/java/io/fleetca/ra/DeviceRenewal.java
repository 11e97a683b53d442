package io.fleetca.ra;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.CertificateIssuer;
import io.fleetca.ca.IssuanceRequest;
import io.fleetca.ca.IssuedCertificate;
import io.fleetca.ca.LoadedCa;
import io.fleetca.ca.RecordingStep;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.Json;
import io.fleetca.common.ProblemType;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.CertificateProfiles;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.profile.RenewalKey;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.DeviceRecord;
import io.fleetca.registry.DeviceRegistry;
import io.fleetca.registry.DeviceStatus;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import io.fleetca.revocation.Supersession;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * A device's renewal with its current certificate (EST simplereenroll): the credential is the TLS client
 * certificate, the successor supersedes it ({@link Supersession}, in the recording transaction).
 */
@ApplicationScoped
public class DeviceRenewal {

    @Inject
    DeviceRegistry devices;

    @Inject
    StationRegistry stations;

    @Inject
    StationBudget budget;

    @Inject
    CertificateProfiles profiles;

    @Inject
    CaDirectory cas;

    @Inject
    CertificateIssuer issuer;

    @Inject
    io.fleetca.registry.RevocationLedger revocationLedger;

    @Inject
    Supersession supersession;

    @Inject
    AuditLog audit;

    @Inject
    RaConfig config;

    @Inject
    Clock clock;

    @Inject
    VerifiedCaller verifiedCaller;

    @Inject
    MeterRegistry meters;

    @Inject
    EnrollmentGate gate;

    @Inject
    TlsClientCertificates clientCertificates;

    /**
     * EST simplereenroll (RFC 7030 §4.2.2): the device authenticates with its current certificate (the
     * TLS client certificate, byte for byte the ledger's) and asks for its successor. The CSR's subject
     * must be that certificate's; the key is new or the same as the profile's renewal-key says. The
     * current certificate must be issued (not revoked, not on hold), of an active device, and not
     * expired longer ago than fleetca.enrollment.renewal-after-expiry (default 0). The new certificate
     * supersedes it: the old one is revoked (superseded) in the transaction that records the new one.
     */
    public EnrollmentResult renew(byte[] clientCertificate, Optional<String> profileLabel, String csrText) {
        return gate.inTurn(() -> renewInTurn(clientCertificate, profileLabel, csrText));
    }

    private EnrollmentResult renewInTurn(byte[] clientCertificate, Optional<String> profileLabel, String csrText) {
        CertificateRecord current = clientCertificates.recordOf(clientCertificate).orElseThrow(() -> new FleetCaException(
                ProblemType.FORBIDDEN, "the TLS client certificate was not issued by FleetCA"));
        verifiedCaller.verified(TlsClientCertificates.actorOf(current));
        if (current.deviceId() == null) {
            throw new FleetCaException(ProblemType.FORBIDDEN,
                    "only device certificates re-enroll over EST; stations renew with POST /api/v1/stations/{id}/certificates");
        }
        if (profileLabel.isPresent() && !profileLabel.get().equals(current.profile())) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "the current certificate is of profile " + current.profile()
                    + ", not " + profileLabel.get());
        }
        if (current.revokeAfter() != null) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + current.serial()
                    + " was already renewed; re-enroll with its successor");
        }
        if (current.status() != io.fleetca.registry.CertificateStatus.ISSUED) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + current.serial() + " is revoked or on hold ("
                    + current.revocationReason() + "); it cannot re-enroll");
        }
        Instant now = clock.instant();
        Duration window = config.enrollment().renewalAfterExpiry();
        if (now.isBefore(current.notBefore()) || !now.isBefore(current.notAfter().plus(window))) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + current.serial() + " expired at "
                    + current.notAfter() + "; re-enrollment is allowed up to " + window + " after expiry");
        }
        DeviceRecord device = devices.find(current.deviceId()).orElseThrow();
        if (device.status() == DeviceStatus.DECOMMISSIONED) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "device " + device.id() + " is decommissioned");
        }
        StationRecord station = stations.find(current.stationId()).orElseThrow();
        if (!station.enabled()) {
            // A disabled station is one whose devices are suspect (bulk revocation usually follows).
            throw new FleetCaException(ProblemType.FORBIDDEN, "station " + station.id() + " of this device is disabled");
        }
        CertificateProfile profile = profiles.find(current.profile()).orElseThrow(() -> new FleetCaException(
                ProblemType.CONFLICT, "profile " + current.profile() + " no longer exists; enroll again"));
        PKCS10CertificationRequest csr = CsrDecoder.decode(csrText, config.enrollment().maxCsrBytes());
        ProofOfPossession.verify(csr);
        X509CertificateHolder held;
        try {
            held = new X509CertificateHolder(clientCertificate);
        } catch (IOException e) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "the TLS client certificate does not parse");
        }
        if (!csr.getSubject().equals(held.getSubject())) {
            throw new FleetCaException(ProblemType.BAD_CSR, "RFC 7030 §4.2.2: the CSR subject must be the current"
                    + " certificate's subject (" + held.getSubject() + ")");
        }
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        DeviceKeyType keyType = PublicKeyPolicy.check(spki, profile);
        String spkiSha256 = EnrollmentService.sha256(spki);
        boolean sameKey = spkiSha256.equals(current.spkiSha256());
        if (profile.renewalKey() == RenewalKey.NEW && sameKey) {
            throw new FleetCaException(ProblemType.BAD_PUBLIC_KEY, "profile " + profile.name() + " renews with a new key only");
        }
        if (profile.renewalKey() == RenewalKey.SAME && !sameKey) {
            throw new FleetCaException(ProblemType.BAD_PUBLIC_KEY, "profile " + profile.name() + " renews the same key only");
        }
        LoadedCa issuingCa = cas.issuerFor(profile.issuer()).orElseThrow(() -> new FleetCaException(
                ProblemType.CONFLICT, "no issuing CA is configured for profile " + profile.name()));
        String actor = "device:" + device.id();
        // Renewals count against the device's station like enrollments: each one is an HSM signature.
        IssuedCertificate issued = budget.charged(station, "the station of device " + device.id(), () -> issuer.issue(
                IssuanceRequest.forDevice(device.id(), current.stationId(), profile, issuingCa, spki, spkiSha256,
                        keyType == DeviceKeyType.RSA).asRenewal(), new Superseding(actor, station, current)));
        meters.counter("fleetca.enrollments", "result", "renewed").increment();
        return new EnrollmentResult(issued.record(), issued.certificate(), issued.chain(), issued.created());
    }

    /** The renewal's recording step: the station still enabled, the current certificate still live, then superseded. */
    private final class Superseding implements RecordingStep {
        private final String actor;
        private final StationRecord station;
        private final CertificateRecord current;
        private long change;

        Superseding(String actor, StationRecord station, CertificateRecord current) {
            this.actor = actor;
            this.station = station;
            this.current = current;
        }

        @Override
        public void beforeRecording() {
            change = supersession.begin();
        }

        @Override
        public void recorded(CertificateRecord record) {
            EnrollmentService.requireStillEnabled(stations, station);
            CertificateRecord old = revocationLedger.lock(current.issuerId(), current.serial()).orElseThrow();
            if (old.status() != io.fleetca.registry.CertificateStatus.ISSUED || old.revokeAfter() != null) {
                throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + old.serial()
                        + " was revoked or renewed while its successor was signed");
            }
            audit.append(new AuditEvent(actor, "certificate.issued", "certificate:" + record.serial(),
                    Json.object("device", record.deviceId(), "issuer", record.issuerId(), "profile", record.profile(),
                            "notAfter", record.notAfter().toString(), "renews", old.serial())));
            supersession.supersedeDevice(actor, old, record.serial(), config.enrollment().supersededGrace(), change);
        }
    }
}
