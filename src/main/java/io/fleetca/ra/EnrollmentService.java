package io.fleetca.ra;

import io.fleetca.common.Json;
import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.CertificateIssuer;
import io.fleetca.ca.IssuanceRequest;
import io.fleetca.ca.IssuedCertificate;
import io.fleetca.ca.LoadedCa;
import io.fleetca.ca.RecordingStep;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.CertificateProfiles;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.DeviceRecord;
import io.fleetca.registry.DeviceRegistry;
import io.fleetca.registry.EnrollmentCodeRecord;
import io.fleetca.registry.EnrollmentCodes;
import io.fleetca.registry.StationRegistry;
import io.fleetca.registry.StationRecord;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Decides whether a station (or an enrollment code) may have a certificate for a device, then asks the CA
 * to sign. Checks, cheapest first, each refusal a problem with nothing stored (but its audit event, see
 * RefusalAudit):
 * <ol>
 *   <li>the profile exists and is in the station's list; the device id matches the station's pattern;</li>
 *   <li>the CSR parses, its signature verifies (proof of possession), and its key fits the profile and is
 *       not weak; a key-bound token names this key;</li>
 *   <li>the station's hourly rate ({@link StationBudget});</li>
 * </ol>
 * then the CA reserves, signs and records (see {@link CertificateIssuer}). What depends on the shared
 * state (the token's jti, the device's status and id case, the key's owner and compromise, an identical
 * certificate already issued) is decided once, in the reservation's transaction (IssuanceLedger#reserve),
 * and again where it can change while the HSM signs, in the recording transaction. Renewals with a device
 * certificate are {@link DeviceRenewal}'s.
 */
@ApplicationScoped
public class EnrollmentService {

    @Inject
    DeviceRegistry devices;

    @Inject
    StationBudget budget;

    @Inject
    EnrollmentCodes codes;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "fleetca.public-url")
    String publicUrl;

    @Inject
    StationRegistry stations;

    @Inject
    CertificateProfiles profiles;

    @Inject
    CaDirectory cas;

    @Inject
    CertificateIssuer issuer;

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

    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    /**
     * Enrollment authorized by a one-time code (EST with HTTP Basic): the code names the device and the
     * profile; a label, when given, must be that profile. The certificate counts for the device's station.
     */
    public EnrollmentResult enrollWithCode(String deviceId, String presentedCode, Optional<String> profileLabel, String csr) {
        Optional<EnrollmentCodeRecord> usable = !Text.isDeviceId(deviceId) || presentedCode == null || presentedCode.isEmpty() || presentedCode.length() > 128
                ? Optional.empty() : codes.findUsable(deviceId, Text.sha256Hex(presentedCode), clock.instant());
        EnrollmentCodeRecord code = usable.orElseThrow(() -> new FleetCaException(
                ProblemType.UNAUTHORIZED, "no usable enrollment code for this device (unknown, used or expired)"));
        verifiedCaller.verified("device:" + deviceId);
        if (profileLabel.isPresent() && !profileLabel.get().equals(code.profile())) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "the enrollment code grants profile " + code.profile()
                    + ", not " + profileLabel.get());
        }
        DeviceRecord device = devices.find(deviceId).orElseThrow(() -> new FleetCaException(ProblemType.UNAUTHORIZED,
                "no usable enrollment code for this device (unknown, used or expired)"));
        StationRecord station = stations.find(device.stationId()).orElseThrow();
        return enroll(new EnrollmentRequest(station, deviceId, code.profile(), csr, code));
    }

    /**
     * Enrollment authorized by a station's TLS client certificate (EST): the certificate must be one
     * FleetCA issued to a station (byte for byte the ledger's), valid and unrevoked, of an enabled
     * station. The device id is the CSR subject's serialNumber, else its CN; the station's scope applies.
     */
    public EnrollmentResult enrollWithStationCertificate(byte[] clientCertificate, Optional<String> profileLabel, String csr) {
        CertificateRecord record = clientCertificates.recordOf(clientCertificate).orElseThrow(() -> new FleetCaException(
                ProblemType.FORBIDDEN, "the TLS client certificate was not issued by FleetCA"));
        verifiedCaller.verified(TlsClientCertificates.actorOf(record));
        if (!ServiceCertificates.STATION.name().equals(record.profile()) || record.deviceId() != null
                || record.stationId() == null) {
            throw new FleetCaException(ProblemType.FORBIDDEN,
                    "a device certificate authorizes simplereenroll, not simpleenroll; stations use their station certificate");
        }
        if (!record.validAt(clock.instant())) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "the station certificate is revoked, on hold or expired");
        }
        StationRecord station = stations.find(record.stationId()).orElseThrow();
        if (!station.enabled()) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "station " + station.id() + " is disabled");
        }
        String deviceId = deviceIdOf(CsrDecoder.decode(csr, config.enrollment().maxCsrBytes()));
        return enrollForStation(station, deviceId, profileLabel, csr, null);
    }

    /** IEEE 802.1AR: the DevID subject's serialNumber names the device; otherwise the CN does. */
    private static String deviceIdOf(PKCS10CertificationRequest csr) {
        org.bouncycastle.asn1.x500.X500Name subject = csr.getSubject();
        org.bouncycastle.asn1.x500.RDN[] rdns = subject.getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.SERIALNUMBER);
        if (rdns.length == 0) {
            rdns = subject.getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN);
        }
        String id = rdns.length == 1 ? org.bouncycastle.asn1.x500.style.IETFUtils.valueToString(rdns[0].getFirst().getValue()) : null;
        if (!Text.isDeviceId(id)) {
            throw new FleetCaException(ProblemType.BAD_CSR,
                    "the CSR subject must name the device in serialNumber or CN (1 to 64 letters, digits, '.', ':' or '-')");
        }
        return id;
    }

    /**
     * Enrollment by a station for the device its token (or, with a null token, its TLS certificate) names;
     * without a label, the station's first profile.
     */
    public EnrollmentResult enrollForStation(StationRecord station, String deviceId, Optional<String> profileLabel, String csr,
                                             EnrollmentRequest.StationToken token) {
        return enroll(new EnrollmentRequest(station, deviceId, profileLabel.orElseGet(() -> station.profiles().get(0)), csr,
                token));
    }

    public EnrollmentResult enroll(EnrollmentRequest request) {
        return gate.inTurn(() -> enrollInTurn(request));
    }

    private EnrollmentResult enrollInTurn(EnrollmentRequest request) {
        String actor = request.code() == null ? "station:" + request.station().id() : "device:" + request.deviceId();
        try {
            EnrollmentResult result = decideAndIssue(request, actor);
            meters.counter("fleetca.enrollments", "result", result.created() ? "issued" : "existing").increment();
            return result;
        } catch (FleetCaException e) {
            // The refusal's audit event is written where every refusal is (api's problem mapping).
            meters.counter("fleetca.enrollments", "result", e.type().slug()).increment();
            throw e;
        }
    }

    private EnrollmentResult decideAndIssue(EnrollmentRequest request, String actor) {
        StationRecord station = request.station();
        CertificateProfile profile = profiles.find(request.profile()).orElseThrow(() -> new FleetCaException(
                ProblemType.UNKNOWN_PROFILE, "profile '" + Text.clip(request.profile(), 64) + "' does not exist; known: "
                + profiles.names()));
        if (profile.extendedKeyUsages().contains("serverAuth") && looksLikeFleetCaHost(request.deviceId())) {
            // A serverAuth certificate whose CN is one of the EST server's names (or any IP literal) could pass
            // for FleetCA's own TLS server with clients that fall back to the CN.
            throw new FleetCaException(ProblemType.OUT_OF_SCOPE, "device id " + request.deviceId()
                    + " names a FleetCA host or an IP address; not allowed for a serverAuth profile");
        }
        if (request.code() != null) {
            // The admin who created the code chose this device and profile; the station's scope does not apply.
            if (!request.code().deviceId().equals(request.deviceId()) || !request.code().profile().equals(profile.name())) {
                throw new FleetCaException(ProblemType.FORBIDDEN, "the enrollment code is for another device or profile");
            }
        } else if (!station.profiles().contains(profile.name())) {
            throw new FleetCaException(ProblemType.OUT_OF_SCOPE,
                    "station " + station.name() + " may not enroll profile " + profile.name());
        } else if (!BoundedMatch.matches(pattern(station), request.deviceId())) {
            throw new FleetCaException(ProblemType.OUT_OF_SCOPE,
                    "device id " + request.deviceId() + " does not match the station's device id pattern");
        }
        PKCS10CertificationRequest csr = CsrDecoder.decode(request.csr(), config.enrollment().maxCsrBytes());
        ProofOfPossession.verify(csr);
        SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
        DeviceKeyType keyType = PublicKeyPolicy.check(spki, profile);
        String spkiSha256 = sha256(spki);
        checkKeyBinding(request, spkiSha256);
        // The device's state (decommissioned, an id differing only in case), the key's owner and compromise,
        // and an idempotent retry (a valid certificate for this device, key and profile: returned again,
        // not a second one) are decided by the reservation, in its transaction (IssuanceLedger#reserve).
        Instant now = clock.instant();

        LoadedCa issuingCa = cas.issuerFor(profile.issuer()).orElseThrow(() -> new FleetCaException(
                ProblemType.CONFLICT, "no issuing CA is configured for profile " + profile.name()));

        IssuanceRequest device = IssuanceRequest.forDevice(request.deviceId(), station.id(), profile, issuingCa,
                spki, spkiSha256, keyType == DeviceKeyType.RSA);
        IssuanceRequest issuance = request.token() == null ? device : device.withToken(request.token().use());
        RecordingStep step = record -> {
            if (request.code() == null) {
                requireStillEnabled(station);
            }
            if (request.code() != null && !codes.use(request.code().codeSha256(), record.serial(), now)) {
                // Another request used the code first: this certificate is never recorded nor sent.
                throw new FleetCaException(ProblemType.UNAUTHORIZED, "the enrollment code was already used");
            }
            audit.append(new AuditEvent(actor, "certificate.issued", "certificate:" + record.serial(),
                    Json.object("device", record.deviceId(), "issuer", record.issuerId(), "profile",
                            record.profile(), "notAfter", record.notAfter().toString(), "enrollmentCode",
                            request.code() == null ? null : request.code().codeSha256().substring(0, 12))));
        };
        // A code is a single certificate an admin granted: not charged to the station's budget.
        IssuedCertificate issued = request.code() != null ? issuer.issue(issuance, step)
                : budget.charged(station, "station " + station.name(), () -> issuer.issue(issuance, step));
        return new EnrollmentResult(issued.record(), issued.certificate(), issued.chain(), issued.created());
    }

    /**
     * In the transaction that records a certificate the station authorized: the station must still be
     * enabled. A station disabled while the certificate was signed gets nothing (the transaction rolls back;
     * the serial stays reserved, never issued), so "disable, then revoke what it got up to disabledAt"
     * cannot miss a certificate. Enrollment codes are exempt: an admin, not the station, authorized them.
     */
    static void requireStillEnabled(StationRegistry stations, StationRecord station) {
        if (!stations.lockIfEnabled(station.id())) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "station " + station.id()
                    + " was disabled while this certificate was signed; it was not issued");
        }
    }

    private void requireStillEnabled(StationRecord station) {
        requireStillEnabled(stations, station);
    }

    /**
     * A station token may bind the key it authorizes (claim csr_spki_sha256), so that whoever sees the token
     * first cannot redeem it with another key; a station registered with requireKeyBinding accepts only
     * bound tokens. Codes and station TLS certificates are not bearer tokens of this kind: not checked.
     */
    private static void checkKeyBinding(EnrollmentRequest request, String spkiSha256Hex) {
        if (request.token() == null) {
            return;
        }
        String bound = request.token().csrSpkiSha256();
        if (bound == null) {
            if (request.station().requireKeyBinding()) {
                throw new FleetCaException(ProblemType.UNAUTHORIZED, "station " + request.station().id()
                        + " requires key-bound tokens: the token must carry csr_spki_sha256 (base64url SHA-256 of the"
                        + " CSR's SubjectPublicKeyInfo)");
            }
            return;
        }
        String actual = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(spkiSha256Hex));
        if (!bound.equals(actual)) {
            throw new FleetCaException(ProblemType.FORBIDDEN,
                    "the token's csr_spki_sha256 names another key than the CSR's (" + actual + ")");
        }
    }

    /** Whether {@code name} is a certificate profile (EST labels name profiles, RFC 7030 §3.2.2). */
    public boolean isProfile(String name) {
        return profiles.find(name).isPresent();
    }

    /** The issuing CA's chain (issuing CA first) for a profile, or for the default issuer. */
    public List<X509CertificateHolder> issuingChain(Optional<String> profile) {
        Optional<String> named = profile.flatMap(profiles::find).flatMap(CertificateProfile::issuer);
        return cas.issuerFor(named).map(LoadedCa::chain).orElseThrow(() -> new FleetCaException(ProblemType.CONFLICT,
                "no issuing CA is configured"));
    }

    /** What a CSR for this profile must carry, for EST csrattrs (RFC 7030 §4.5). */
    public Optional<CsrRequirements> requirements(String profile) {
        return profiles.find(profile).map(p -> new CsrRequirements(p.subjectSerialNumber(),
                p.keyTypes().stream().map(Enum::name).sorted().toList()));
    }

    private boolean looksLikeFleetCaHost(String deviceId) {
        String id = deviceId.toLowerCase(java.util.Locale.ROOT);
        String publicHost = java.net.URI.create(publicUrl).getHost();
        return id.equals("localhost") || id.matches("[0-9.]+") || id.contains(":")
                || (publicHost != null && id.equals(publicHost.toLowerCase(java.util.Locale.ROOT)));
    }

    private Pattern pattern(StationRecord station) {
        return patterns.computeIfAbsent(station.deviceIdPattern(), Pattern::compile);
    }

    static String sha256(SubjectPublicKeyInfo spki) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki.getEncoded(ASN1Encoding.DER)));
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
