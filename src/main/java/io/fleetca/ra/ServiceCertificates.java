package io.fleetca.ra;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.IssuanceRequest;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.Json;
import io.fleetca.common.ProblemType;
import io.fleetca.common.ReservedProfiles;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.profile.RenewalKey;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.ServerCertificateLedger;
import io.fleetca.registry.StationRecord;
import io.fleetca.revocation.RevocationOutcome;
import io.fleetca.revocation.RevocationService;
import io.fleetca.revocation.Supersession;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Certificates for FleetCA's own services, issued through the same ledger, lint and HSM signature
 * as device certificates: today the EST TLS server certificate (RFC 7030 §3.3.1), for the host
 * names and addresses clients connect to.
 */
@ApplicationScoped
public class ServiceCertificates {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ServiceCertificates.class);

    /**
     * TLS server profile: serverAuth only (RFC 5280 §4.2.1.12), short-lived (validity from
     * fleetca.est.server-certificate-validity), re-issued at every start and before it runs out.
     */
    static CertificateProfile tlsServerProfile(Duration validity) {
        return new CertificateProfile(ReservedProfiles.TLS_SERVER, validity, false, Set.of(DeviceKeyType.EC_P256), 2048, 4096,
                Optional.empty(), List.of("serverAuth"), Duration.ofMinutes(5), RenewalKey.ANY);
    }

    /**
     * Station TLS client certificates (EST authentication of a provisioning station, RFC 7030 §3.3.2):
     * clientAuth, one year, bound to the station record; the subject names the station id.
     */
    static final CertificateProfile STATION = new CertificateProfile(ReservedProfiles.STATION, Duration.ofDays(365), false,
            Set.of(DeviceKeyType.EC_P256, DeviceKeyType.EC_P384, DeviceKeyType.RSA), 2048, 4096, Optional.empty(),
            List.of("clientAuth"), Duration.ofMinutes(5), RenewalKey.ANY);

    @Inject
    CertificateIssuance issuance;

    @Inject
    RaConfig config;

    @Inject
    CaDirectory cas;

    @Inject
    AuditLog audit;

    @Inject
    StationBudget budget;

    @Inject
    Supersession supersession;

    @Inject
    ServerCertificateLedger serverCertificates;

    @Inject
    RevocationService revocations;

    @Inject
    Clock clock;

    @Inject
    io.fleetca.registry.StationRegistry stations;

    /** CONVENTIONS §3: a policy OID that is not a dotted-decimal OID stops start-up, not the first issuance. */
    void checkPolicyOids(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        for (String oid : List.of(config.certificates().stationPolicyOid(), config.certificates().servicePolicyOid())) {
            if (org.bouncycastle.asn1.ASN1ObjectIdentifier.tryFromID(oid) == null) {
                throw new IllegalStateException("fleetca.certificates.*-policy-oid must be a dotted-decimal OID, not '"
                        + oid + "'");
            }
        }
    }

    /**
     * A TLS client certificate for an enabled station, for the key in its CSR. The subject is CN=station id.
     * <ol>
     *   <li>proof of possession and key policy as for devices;</li>
     *   <li>the key is bound to this station in the key-reuse ledger (decided by the reservation, see
     *       LedgerRefusals): never a device's, another station's or FleetCA's own (and a station key is never
     *       certified for a device later);</li>
     *   <li>each certificate counts against the station's hourly rate, as an enrollment does (the unit is
     *       given back when no certificate results);</li>
     *   <li>the new certificate supersedes the station's earlier ones, in the transaction that records it:
     *       revoked (superseded) at once, or after fleetca.enrollment.superseded-grace.</li>
     * </ol>
     */
    public EnrollmentResult station(StationRecord station, String actor, String csrText) {
        if (!station.enabled()) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "station " + station.id() + " is disabled");
        }
        PKCS10CertificationRequest csr = CsrDecoder.decode(csrText, config.enrollment().maxCsrBytes());
        ProofOfPossession.verify(csr);
        SubjectPublicKeyInfo key = csr.getSubjectPublicKeyInfo();
        DeviceKeyType type = PublicKeyPolicy.check(key, STATION);
        LoadedCa ca = cas.issuerFor(Optional.empty()).orElseThrow(() -> new FleetCaException(ProblemType.CONFLICT,
                "no issuing CA exists to certify stations"));
        Duration grace = config.enrollment().supersededGrace();
        IssuanceRequest request = new IssuanceRequest(station.id(), STATION, ca, key, PublicKeyPolicy.sha256Hex(key),
                type == DeviceKeyType.RSA, station.id(), List.of()).withPolicy(config.certificates().stationPolicyOid());
        return budget.charged(station, "station " + station.name(), () -> issuance.issue(request, null, false,
                new RecordingStep() {
                    private long change;

                    @Override
                    public void beforeRecording() {
                        change = supersession.begin();
                        IssuancePipeline.requireStillEnabled(stations, station);
                    }

                    @Override
                    public void recorded(CertificateRecord record) {
                        audit.append(new AuditEvent(actor, "certificate.issued", "certificate:" + record.serial(),
                                Json.object("station", station.id(), "profile", STATION.name(), "issuer",
                                        record.issuerId(), "notAfter", record.notAfter().toString())));
                        supersession.supersedeStation(actor, record, grace, change);
                    }
                }));
    }

    /**
     * A TLS server certificate for {@code hosts} (DNS names or IP literals) and this EC P-256 key, valid for
     * {@code validity}; recorded as held by {@code instance} in the transaction that records it.
     */
    public EnrollmentResult tlsServer(SubjectPublicKeyInfo key, List<String> hosts, Duration validity, String instance) {
        LoadedCa ca = cas.issuerFor(Optional.empty()).orElseThrow(() -> new FleetCaException(ProblemType.CONFLICT,
                "no issuing CA exists to certify the EST TLS server"));
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            boolean ip = host.matches("[0-9.]+") || host.contains(":");
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        return issuance.issue(new IssuanceRequest(null, tlsServerProfile(validity), ca, key, PublicKeyPolicy.sha256Hex(key),
                false, hosts.get(0), names).withPolicy(config.certificates().servicePolicyOid()), null, false, record -> {
                    audit.append(new AuditEvent("fleetca", "certificate.issued", "certificate:" + record.serial(),
                            Json.object("purpose", "EST TLS server", "hosts", String.join(",", hosts), "instance", instance,
                                    "issuer", record.issuerId(), "notAfter", record.notAfter().toString())));
                    serverCertificates.record(record.issuerId(), record.serial(), instance);
                });
    }

    /**
     * Revokes (superseded, RFC 5280 §5.3.1) every live EST server certificate of {@code instance} but
     * {@code current}: their keys were replaced or died with an earlier run of the instance. Each goes
     * through the revocation service (ledger, audit event, OCSP notification, CRL). Returns the serials.
     */
    public List<String> supersedeServerCertificates(String instance, String current) {
        List<String> revoked = new ArrayList<>();
        for (String serial : serverCertificates.liveSerialsOf(instance, clock.instant())) {
            if (serial.equals(current)) {
                continue;
            }
            try {
                RevocationOutcome outcome = revocations.revoke("fleetca", serial, "superseded", null);
                if (outcome.changed()) {
                    revoked.add(serial);
                }
            } catch (FleetCaException e) {
                // One that cannot be revoked (say, a serial under two issuers) must not keep the others valid.
                LOG.errorf("EST TLS server certificate %s not revoked: %s", serial, e.getMessage());
            }
        }
        return revoked;
    }
}
