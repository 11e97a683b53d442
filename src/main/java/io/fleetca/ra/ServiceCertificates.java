package io.fleetca.ra;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.CertificateIssuer;
import io.fleetca.ca.IssuanceRequest;
import io.fleetca.ca.IssuedCertificate;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.Json;
import io.fleetca.common.ProblemType;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.profile.RenewalKey;
import io.fleetca.registry.StationRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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

    /** TLS server profile: serverAuth only (RFC 5280 §4.2.1.12), short-lived, re-issued at every start. */
    static final CertificateProfile TLS_SERVER = new CertificateProfile("tls-server", Duration.ofDays(30), false,
            Set.of(DeviceKeyType.EC_P256), 2048, 4096, Optional.empty(), List.of("serverAuth"), Duration.ofMinutes(5), RenewalKey.ANY);

    /**
     * Station TLS client certificates (EST authentication of a provisioning station, RFC 7030 §3.3.2):
     * clientAuth, one year, bound to the station record; the subject names the station id.
     */
    static final CertificateProfile STATION = new CertificateProfile("station", Duration.ofDays(365), false,
            Set.of(DeviceKeyType.EC_P256, DeviceKeyType.EC_P384, DeviceKeyType.RSA), 2048, 4096, Optional.empty(),
            List.of("clientAuth"), Duration.ofMinutes(5), RenewalKey.ANY);

    @Inject
    CertificateIssuer issuer;

    @Inject
    RaConfig config;

    @Inject
    CaDirectory cas;

    @Inject
    AuditLog audit;

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
     * A TLS client certificate for an enabled station, for the key in its CSR (proof of possession and
     * key policy as for devices; the key may not be a device's). The subject is CN=station id.
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
        IssuedCertificate issued = issuer.issue(new IssuanceRequest(station.id(), STATION, ca, key,
                EnrollmentService.sha256(key), type == DeviceKeyType.RSA, station.id(), List.of())
                        .withPolicy(config.certificates().stationPolicyOid()),
                record -> {
                    EnrollmentService.requireStillEnabled(stations, station);
                    audit.append(new AuditEvent(actor, "certificate.issued", "certificate:" + record.serial(),
                            Json.object("station", station.id(), "profile", STATION.name(), "issuer", record.issuerId(),
                                    "notAfter", record.notAfter().toString())));
                });
        return new EnrollmentResult(issued.record(), issued.certificate(), issued.chain(), issued.created());
    }

    /** A TLS server certificate for {@code hosts} (DNS names or IP literals) and this EC P-256 key. */
    public EnrollmentResult tlsServer(SubjectPublicKeyInfo key, List<String> hosts) {
        LoadedCa ca = cas.issuerFor(Optional.empty()).orElseThrow(() -> new FleetCaException(ProblemType.CONFLICT,
                "no issuing CA exists to certify the EST TLS server"));
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            boolean ip = host.matches("[0-9.]+") || host.contains(":");
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
        }
        IssuedCertificate issued = issuer.issue(new IssuanceRequest(null, TLS_SERVER, ca, key, EnrollmentService.sha256(key), false,
                hosts.get(0), names).withPolicy(config.certificates().servicePolicyOid()), record -> audit.append(new AuditEvent("fleetca", "certificate.issued",
                "certificate:" + record.serial(), Json.object("purpose", "EST TLS server", "hosts", String.join(",", hosts),
                        "issuer", record.issuerId(), "notAfter", record.notAfter().toString()))));
        return new EnrollmentResult(issued.record(), issued.certificate(), issued.chain(), issued.created());
    }
}
