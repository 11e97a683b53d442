package io.fleetca.api;

import io.fleetca.auth.Authenticator;
import io.fleetca.auth.Caller;
import io.fleetca.revocation.RevocationOutcome;
import io.fleetca.revocation.RevocationService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SerialNumber;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.IssuanceLedger;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** One certificate's record and PEM, by serial (lowercase hex). */
@Path("/api/v1/certificates")
public class CertificateResource {

    @Inject
    IssuanceLedger ledger;

    @Inject
    Authenticator auth;

    @Inject
    RevocationService revocations;

    @Inject
    JsonBody json;

    @Inject
    io.fleetca.registry.ReservedSerials reservedSerials;

    @Inject
    java.time.Clock clock;

    /**
     * Serials reserved and never issued, reserved more than {@code olderThan} ago (default PT2M: younger ones may
     * still be signing): what a crash, an HSM failure or a refusal after signing left. Admins and auditors.
     */
    @GET
    @Path("/reserved")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.ReservedSerialsView reserved(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                            @QueryParam("olderThan") String olderThan, @QueryParam("limit") Integer limit) {
        auth.reader(authorization);
        java.time.Duration age;
        try {
            age = olderThan == null ? java.time.Duration.ofMinutes(2) : java.time.Duration.parse(olderThan);
        } catch (java.time.format.DateTimeParseException e) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "olderThan must be an ISO-8601 duration such as PT2M");
        }
        int max = limit == null ? 1000 : limit;
        if (age.isNegative() || max < 1 || max > 10_000) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "olderThan must not be negative; limit is 1 to 10000");
        }
        java.time.Instant before = clock.instant().minus(age);
        List<Dtos.ReservedSerialView> serials = reservedSerials.before(before, max).stream()
                .map(r -> new Dtos.ReservedSerialView(r.issuerId(), r.serial(), r.deviceId(), r.stationId(), r.profile(),
                        r.reservedAt())).toList();
        return new Dtos.ReservedSerialsView(reservedSerials.countBefore(before), age.toString(), serials);
    }

    @GET
    @Path("/{serial}")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.CertificateView get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                    @PathParam("serial") String serial) {
        auth.reader(authorization);
        SerialNumber parsed = SerialNumber.parse(serial).orElseThrow(() -> new FleetCaException(
                ProblemType.MALFORMED_REQUEST, "serial must be a positive hexadecimal number of at most 20 octets"));
        List<CertificateRecord> found = ledger.findBySerial(parsed.hex());
        if (found.isEmpty()) {
            throw new FleetCaException(ProblemType.NOT_FOUND, "no certificate with serial " + parsed.hex());
        }
        if (found.size() > 1) {
            // Serials are unique per issuer (RFC 5280 §4.1.2.2); across issuers a 127-bit collision is
            // vanishingly rare, but never answer with an arbitrary one.
            throw new FleetCaException(ProblemType.CONFLICT, "serial " + parsed.hex() + " exists under several issuers");
        }
        return Dtos.CertificateView.of(found.get(0));
    }

    /** Revokes (or holds) one certificate; revoking it again changes nothing and says so (200, changed false). */
    @POST
    @Path("/{serial}/revoke")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.RevocationView revoke(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                      @PathParam("serial") String serial, String body) {
        Caller admin = auth.admin(authorization);
        Dtos.RevokeRequest request = json.read(body, Dtos.RevokeRequest.class);
        RevocationOutcome o = revocations.revoke(admin.actor(), serial, request.reason(),
                Timestamps.parse("invalidityDate", request.invalidityDate()));
        return new Dtos.RevocationView(o.changed(), o.message(), Dtos.CertificateView.of(o.certificate()));
    }

    /** Lifts a certificateHold. */
    @POST
    @Path("/{serial}/release")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.RevocationView release(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                       @PathParam("serial") String serial) {
        Caller admin = auth.admin(authorization);
        RevocationOutcome o = revocations.release(admin.actor(), serial);
        return new Dtos.RevocationView(o.changed(), o.message(), Dtos.CertificateView.of(o.certificate()));
    }
}
