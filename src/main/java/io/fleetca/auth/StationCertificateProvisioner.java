package io.fleetca.auth;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.ReservedProfiles;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;

/**
 * EST simpleenroll with a station's TLS client certificate (RFC 7030 §3.3.2): the certificate must be one
 * FleetCA issued to a station ({@link LedgerCertificates}), valid and unrevoked, of an enabled station. The
 * device id is not in the credential: the CSR's subject names it (IEEE 802.1AR), and the station's scope
 * applies as for its tokens. No jti: a TLS session is not a bearer token.
 */
@ApplicationScoped
public class StationCertificateProvisioner implements Provisioner<byte[]> {

    @Inject
    LedgerCertificates certificates;

    @Inject
    StationRegistry stations;

    @Inject
    CallerContext context;

    @Inject
    Clock clock;

    @Override
    public EnrollmentGrant authorize(byte[] clientCertificate, Optional<String> profileLabel) {
        CertificateRecord record = certificates.recordOf(clientCertificate).orElseThrow(() -> new FleetCaException(
                ProblemType.FORBIDDEN, "the TLS client certificate was not issued by FleetCA"));
        context.verified(LedgerCertificates.actorOf(record));
        if (!ReservedProfiles.STATION.equals(record.profile()) || record.deviceId() != null || record.stationId() == null) {
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
        return new EnrollmentGrant("station:" + station.id(), station, null, station.profiles(), true, true, null, null,
                null, null);
    }
}
