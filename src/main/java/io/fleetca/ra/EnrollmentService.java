package io.fleetca.ra;

import io.fleetca.common.Json;
import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.CertificateIssuer;
import io.fleetca.ca.IssuanceRequest;
import io.fleetca.ca.IssuedCertificate;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.CertificateProfiles;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.profile.RenewalKey;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.DeviceRecord;
import io.fleetca.registry.DeviceRegistry;
import io.fleetca.registry.EnrollmentCodeRecord;
import io.fleetca.registry.EnrollmentCodes;
import io.fleetca.registry.StationRegistry;
import io.fleetca.registry.DeviceStatus;
import io.fleetca.registry.IssuanceLedger;
import io.fleetca.registry.RateAllotments;
import io.fleetca.registry.StationRecord;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * Decides whether a station may have a certificate for a device, then asks the CA to sign.
 * Checks, cheapest first, each refusal a problem with nothing stored (but its audit event, see RefusalAudit):
 * <ol>
 *   <li>the profile exists and is in the station's list; the device id matches the station's pattern;</li>
 *   <li>the device is not decommissioned, and no other device has its id in another case;</li>
 *   <li>the CSR parses, its signature verifies (proof of possession), and its key fits the profile and is not weak;</li>
 *   <li>the key is not certified for another device; a retry for the same device, key and profile returns the
 *       valid certificate already issued;</li>
 *   <li>the station's hourly rate;</li>
 * </ol>
 * then the CA reserves, signs and records (see {@link CertificateIssuer}).
 */
@ApplicationScoped
public class EnrollmentService {

    @Inject
    DeviceRegistry devices;

    @Inject
    IssuanceLedger ledger;

    @Inject
    RateAllotments rates;

    @Inject
    EnrollmentCodes codes;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "fleetca.public-url")
    String publicUrl;

    @Inject
    io.fleetca.registry.RevocationLedger revocationLedger;

    @Inject
    StationRegistry stations;

    @Inject
    io.fleetca.revocation.Supersession supersession;

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
        CertificateRecord record = ledgerRecordOf(clientCertificate).orElseThrow(() -> new FleetCaException(
                ProblemType.FORBIDDEN, "the TLS client certificate was not issued by FleetCA"));
        verifiedCaller.verified(actorOf(record));
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

    /**
     * EST simplereenroll (RFC 7030 §4.2.2): the device authenticates with its current certificate (the
     * TLS client certificate, byte for byte the ledger's) and asks for its successor. The CSR's subject
     * must be that certificate's; the key is new or the same as the profile's renewal-key says. The
     * current certificate must be issued (not revoked, not on hold), of an active device, and not
     * expired longer ago than fleetca.enrollment.renewal-after-expiry (default 0). The new certificate
     * supersedes it: the old one is revoked (superseded) in the transaction that records the new one.
     */
    public EnrollmentResult reenroll(byte[] clientCertificate, Optional<String> profileLabel, String csrText) {
        return gate.inTurn(() -> reenrollInTurn(clientCertificate, profileLabel, csrText));
    }

    private EnrollmentResult reenrollInTurn(byte[] clientCertificate, Optional<String> profileLabel, String csrText) {
        CertificateRecord current = ledgerRecordOf(clientCertificate).orElseThrow(() -> new FleetCaException(
                ProblemType.FORBIDDEN, "the TLS client certificate was not issued by FleetCA"));
        verifiedCaller.verified(actorOf(current));
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
        String spkiSha256 = sha256(spki);
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
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        if (!rates.tryTake(station.id(), hour, station.maxEnrollmentsPerHour())) {
            throw new FleetCaException(ProblemType.RATE_LIMITED, "the station of device " + device.id() + " has used its "
                    + station.maxEnrollmentsPerHour() + " enrollments for this hour",
                    Duration.between(now, hour.plus(Duration.ofHours(1))));
        }
        long[] change = new long[1];
        IssuedCertificate issued;
        try {
            issued = issuer.issue(IssuanceRequest.forDevice(device.id(), current.stationId(), profile,
                issuingCa, spki, spkiSha256, keyType == DeviceKeyType.RSA).asRenewal(),
                () -> change[0] = supersession.begin(),
                record -> {
                    requireStillEnabled(station);
                    CertificateRecord old = revocationLedger.lock(current.issuerId(), current.serial()).orElseThrow();
                    if (old.status() != io.fleetca.registry.CertificateStatus.ISSUED || old.revokeAfter() != null) {
                        throw new FleetCaException(ProblemType.FORBIDDEN, "certificate " + old.serial()
                                + " was revoked or renewed while its successor was signed");
                    }
                    audit.append(new AuditEvent(actor, "certificate.issued", "certificate:" + record.serial(),
                            Json.object("device", record.deviceId(), "issuer", record.issuerId(), "profile", record.profile(),
                                    "notAfter", record.notAfter().toString(), "renews", old.serial())));
                    supersession.supersedeDevice(actor, old, record.serial(), config.enrollment().supersededGrace(), change[0]);
                });
        } catch (RuntimeException e) {
            rates.giveBack(station.id(), hour);
            throw e;
        }
        meters.counter("fleetca.enrollments", "result", "renewed").increment();
        return new EnrollmentResult(issued.record(), issued.certificate(), issued.chain(), issued.created());
    }

    /** The holder of a certificate presented as TLS client certificate (the handshake proved the key). */
    private static String actorOf(CertificateRecord record) {
        return record.deviceId() != null ? "device:" + record.deviceId()
                : record.stationId() != null ? "station:" + record.stationId() : "certificate:" + record.serial();
    }

    /** The ledger row of exactly this certificate, if FleetCA issued it. */
    private Optional<CertificateRecord> ledgerRecordOf(byte[] der) {
        try {
            String serial = new X509CertificateHolder(der).getSerialNumber().toString(16);
            return ledger.findBySerial(serial).stream().filter(r -> r.der() != null && java.util.Arrays.equals(r.der(), der))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
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

        // The rate unit is taken last and given back when no new certificate results, so refusals and
        // HSM outages never use up a station's hour.
        Instant window = now.truncatedTo(ChronoUnit.HOURS);
        boolean rated = request.code() == null; // a code is a single certificate an admin granted
        if (rated && !rates.tryTake(station.id(), window, station.maxEnrollmentsPerHour())) {
            Duration retry = Duration.between(now, window.plus(Duration.ofHours(1)));
            throw new FleetCaException(ProblemType.RATE_LIMITED, "station " + station.name() + " has used its "
                    + station.maxEnrollmentsPerHour() + " enrollments for this hour", retry);
        }
        IssuedCertificate issued;
        try {
            IssuanceRequest issuance = IssuanceRequest.forDevice(request.deviceId(), station.id(), profile, issuingCa,
                    spki, spkiSha256, keyType == DeviceKeyType.RSA);
            issued = issuer.issue(request.token() == null ? issuance : issuance.withToken(request.token().use()), record -> {
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
                    });
        } catch (RuntimeException e) {
            if (rated) {
                rates.giveBack(station.id(), window);
            }
            throw e;
        }
        if (!issued.created() && rated) {
            rates.giveBack(station.id(), window);
        }
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
