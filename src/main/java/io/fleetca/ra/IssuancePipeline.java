package io.fleetca.ra;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.auth.EnrollmentGrant;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.IssuanceRequest;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.Json;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.CertificateProfiles;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.CertificateStatus;
import io.fleetca.registry.EnrollmentCodes;
import io.fleetca.registry.RevocationLedger;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import io.fleetca.revocation.Supersession;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one way a device certificate is issued, for every way in (REST and EST enrollment with a station
 * token, a station's TLS certificate or a one-time code; renewal with the device's certificate; CMP next):
 * a provisioner in {@code auth} turned the credential into an {@link EnrollmentGrant}, and the pipeline
 * works from that alone. Steps, in order, cheapest first; each refusal is a problem with nothing stored
 * (but its audit event, written where every refusal is):
 * <ol>
 *   <li>scope: the profile (the request's, else the grant's first) exists and the grant names it; a
 *       station's device-id pattern; no FleetCA host name in a serverAuth certificate ({@link EnrollmentScope});</li>
 *   <li>the CSR: decodes ({@link CsrDecoder}), proves possession ({@link ProofOfPossession}), its key fits the
 *       profile and is not weak ({@link PublicKeyPolicy}), the token's key binding; for a renewal, the
 *       predecessor's subject and the renewal-key rule ({@link KeyRules});</li>
 *   <li>the profile's issuing CA;</li>
 *   <li>the station's hourly budget, when the station answers for the certificate ({@link StationBudget});</li>
 *   <li>the serial reserved with the token's jti, 6. signed, 7. recorded ({@link CertificateIssuance}); in
 *       the recording transaction: the station still enabled, the code used up, the predecessor superseded
 *       (renewal), the certificate's audit event ({@link Recording});</li>
 *   <li value="8">counted ({@code fleetca_enrollments_total{result}}) and returned.</li>
 * </ol>
 * What depends on shared state (jti, the device's status and id case, the key's owner and compromise, an
 * identical certificate already issued) is decided once, by the ledger in step 5, and again where it can
 * change while the HSM signs, in step 7 ({@link LedgerRefusals}).
 */
@ApplicationScoped
public class IssuancePipeline {

    @Inject
    CertificateProfiles profiles;

    @Inject
    CaDirectory cas;

    @Inject
    RaConfig config;

    @Inject
    StationBudget budget;

    @Inject
    CertificateIssuance issuance;

    @Inject
    EnrollmentGate gate;

    @Inject
    MeterRegistry meters;

    @Inject
    StationRegistry stations;

    @Inject
    EnrollmentCodes codes;

    @Inject
    RevocationLedger revocationLedger;

    @Inject
    Supersession supersession;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    @ConfigProperty(name = "fleetca.public-url")
    String publicUrl;

    private EnrollmentScope scope;

    @PostConstruct
    void init() {
        scope = new EnrollmentScope(publicUrl);
    }

    /** Issues the certificate the grant allows for this CSR; {@code profileLabel}: the profile the request names. */
    public EnrollmentResult enroll(EnrollmentGrant grant, Optional<String> profileLabel, String csr) {
        return gate.inTurn(() -> {
            try {
                EnrollmentResult result = run(grant, profileLabel, csr);
                meters.counter("fleetca.enrollments", "result", grant.renews() != null ? "renewed"
                        : result.created() ? "issued" : "existing").increment();
                return result;
            } catch (FleetCaException e) {
                meters.counter("fleetca.enrollments", "result", e.type().slug()).increment();
                throw e;
            }
        });
    }

    private EnrollmentResult run(EnrollmentGrant grant, Optional<String> profileLabel, String csrText) {
        // 1. Scope. A grant without a device id (a station's TLS certificate) takes it from the CSR's subject.
        String profileName = profileLabel.orElse(grant.profiles().get(0));
        CertificateProfile profile = profiles.find(profileName).orElseThrow(() -> new FleetCaException(
                ProblemType.UNKNOWN_PROFILE, "profile '" + Text.clip(profileName, 64) + "' does not exist; known: "
                + profiles.names()));
        PKCS10CertificationRequest csr = grant.deviceId() == null ? decode(csrText) : null;
        String deviceId = grant.deviceId() != null ? grant.deviceId() : EnrollmentScope.deviceIdOf(csr.getSubject());
        scope.check(grant, deviceId, profile);

        // 2. The CSR.
        if (csr == null) {
            csr = decode(csrText);
        }
        ProofOfPossession.verify(csr);
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        DeviceKeyType keyType = PublicKeyPolicy.check(spki, profile);
        String spkiSha256 = PublicKeyPolicy.sha256Hex(spki);
        KeyRules.checkKeyBinding(grant.keyBinding(), grant.station().id(), spkiSha256);
        if (grant.renews() != null) {
            KeyRules.checkRenewal(grant.renews(), csr, spkiSha256, profile);
        }

        // 3. The issuing CA.
        LoadedCa issuingCa = cas.issuerFor(profile.issuer()).orElseThrow(() -> new FleetCaException(
                ProblemType.CONFLICT, "no issuing CA is configured for profile " + profile.name()));
        IssuanceRequest request = IssuanceRequest.forDevice(deviceId, grant.station().id(), profile, issuingCa, spki,
                spkiSha256, keyType == DeviceKeyType.RSA);

        // 4-7. Budget, reservation, signature, recording.
        Recording recording = new Recording(grant);
        if (!grant.stationAccountable()) {
            return issuance.issue(request, grant.token(), grant.renews() != null, recording);
        }
        String whose = grant.renews() != null ? "the station of device " + deviceId : "station " + grant.station().name();
        return budget.charged(grant.station(), whose,
                () -> issuance.issue(request, grant.token(), grant.renews() != null, recording));
    }

    private PKCS10CertificationRequest decode(String csrText) {
        return CsrDecoder.decode(csrText, config.enrollment().maxCsrBytes());
    }

    /**
     * In the transaction that records a certificate the station answers for: the station must still be
     * enabled. A station disabled while the certificate was signed gets nothing (the transaction rolls back;
     * the serial stays reserved, never issued), so "disable, then revoke what it got up to disabledAt" cannot
     * miss a certificate.
     */
    static void requireStillEnabled(StationRegistry stations, StationRecord station) {
        if (!stations.lockIfEnabled(station.id())) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "station " + station.id()
                    + " was disabled while this certificate was signed; it was not issued");
        }
    }

    /**
     * Step 7's RA part, in the recording transaction, in lock order (revocation clock, station, device,
     * certificates): first, before the ledger locks the device, the station still enabled; then the
     * enrollment code used up (another request that used it first wins, and this certificate is never
     * recorded nor sent); for a renewal, the predecessor still live, then superseded ({@link Supersession});
     * the audit event, one shape whatever the credential.
     */
    private final class Recording implements RecordingStep {
        private final EnrollmentGrant grant;
        private long change;

        Recording(EnrollmentGrant grant) {
            this.grant = grant;
        }

        @Override
        public void beforeRecording() {
            if (grant.renews() != null) {
                change = supersession.begin();
            }
            if (grant.stationAccountable()) {
                requireStillEnabled(stations, grant.station());
            }
        }

        @Override
        public void recorded(CertificateRecord record) {
            if (grant.code() != null && !codes.use(grant.code().codeSha256(), record.serial(), clock.instant())) {
                throw new FleetCaException(ProblemType.UNAUTHORIZED, "the enrollment code was already used");
            }
            CertificateRecord old = null;
            if (grant.renews() != null) {
                CertificateRecord current = grant.renews();
                old = revocationLedger.lock(current.issuerId(), current.serial()).orElseThrow();
                if (old.status() != CertificateStatus.ISSUED || old.revokeAfter() != null) {
                    throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + old.serial()
                            + " was revoked or renewed while its successor was signed");
                }
            }
            List<String> details = new ArrayList<>(List.of("device", record.deviceId(), "issuer", record.issuerId(),
                    "profile", record.profile(), "notAfter", record.notAfter().toString()));
            if (grant.code() != null) {
                details.addAll(List.of("enrollmentCode", grant.code().codeSha256().substring(0, 12)));
            }
            if (old != null) {
                details.addAll(List.of("renews", old.serial()));
            }
            audit.append(new AuditEvent(grant.actor(), "certificate.issued", "certificate:" + record.serial(),
                    Json.object(details.toArray(String[]::new))));
            if (old != null) {
                supersession.supersedeDevice(grant.actor(), old, record.serial(), config.enrollment().supersededGrace(),
                        change);
            }
        }
    }
}
