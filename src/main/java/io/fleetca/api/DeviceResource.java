package io.fleetca.api;

import io.fleetca.auth.Authenticator;
import io.fleetca.auth.Caller;
import io.fleetca.auth.EnrollmentGrant;
import io.fleetca.auth.StationTokenProvisioner;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.ra.EnrollmentCode;
import io.fleetca.ra.EnrollmentCodeService;
import io.fleetca.ra.EnrollmentResult;
import io.fleetca.ra.IssuancePipeline;
import io.fleetca.registry.DeviceRecord;
import io.fleetca.revocation.DeviceOutcome;
import io.fleetca.revocation.RevocationService;
import io.fleetca.registry.DeviceRegistry;
import io.fleetca.registry.DeviceStatus;
import io.fleetca.registry.Page;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Device enrollment (stations) and the device inventory (admins, auditors). */
@Path("/api/v1/devices")
public class DeviceResource {

    /** RFC 7030-style pem chain media type (RFC 8555 §9.1). */
    static final String PEM_CHAIN = "application/pem-certificate-chain";

    @Inject
    IssuancePipeline pipeline;

    @Inject
    StationTokenProvisioner stationTokens;

    @Inject
    DeviceRegistry devices;

    @Inject
    RevocationService revocations;

    @Inject
    EnrollmentCodeService enrollmentCodes;

    @Inject
    Authenticator auth;

    @Inject
    JsonBody json;

    @POST
    @Path("/{deviceId}/certificates")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response enroll(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                           @HeaderParam(HttpHeaders.ACCEPT) String accept,
                           @PathParam("deviceId") String deviceId, String body) {
        checkDeviceId(deviceId);
        EnrollmentGrant grant = stationTokens.authorize(new StationTokenProvisioner.Presented(authorization, deviceId),
                Optional.empty());
        Dtos.EnrollRequest request = json.read(body, Dtos.EnrollRequest.class);
        if (request.profile() == null) {
            // Required by the API (openapi.yaml); EST, which has no body for it, takes the station's first.
            throw new FleetCaException(ProblemType.UNKNOWN_PROFILE, "the request names no profile; the station may enroll "
                    + grant.profiles());
        }
        EnrollmentResult result = pipeline.enroll(grant, Optional.of(request.profile()), request.csr());
        URI location = URI.create("/api/v1/certificates/" + result.record().serial());
        Response.ResponseBuilder response = result.created() ? Response.created(location) : Response.ok().location(location);
        String chain = Pem.chain(result.chain());
        String leaf = Pem.certificate(result.der());
        if (accept != null && accept.contains(PEM_CHAIN)) {
            return response.type(PEM_CHAIN).entity(leaf + chain).build();
        }
        return response.type(MediaType.APPLICATION_JSON).entity(new Dtos.EnrollResponse(result.record().serial(),
                result.record().deviceId(), result.record().issuerId(), result.record().profile(),
                result.record().notBefore(), result.record().notAfter(), leaf, chain)).build();
    }

    @GET
    @Path("/{deviceId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.DeviceView get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                               @PathParam("deviceId") String deviceId) {
        auth.reader(authorization);
        checkDeviceId(deviceId);
        DeviceRecord device = devices.find(deviceId)
                .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "device " + deviceId + " is not registered"));
        return Dtos.DeviceView.of(device, devices.certificatesOf(deviceId));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.PageView<Dtos.DeviceView> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                               @QueryParam("status") String status,
                                               @QueryParam("stationId") String stationId,
                                               @QueryParam("expiringBefore") String expiringBefore,
                                               @QueryParam("page") String page, @QueryParam("size") String size) {
        auth.reader(authorization);
        Paging paging = Paging.of(page, size);
        if (stationId != null && !Text.isStationId(stationId)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "stationId must be a station id (a UUID)");
        }
        DeviceStatus s = null;
        if (status != null) {
            try {
                s = DeviceStatus.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "status must be ACTIVE or DECOMMISSIONED");
            }
        }
        Instant before = Timestamps.parse("expiringBefore", expiringBefore);
        Page<DeviceRecord> result = devices.list(s, stationId, before, paging.page(), paging.size());
        List<Dtos.DeviceView> items = result.items().stream().map(d -> Dtos.DeviceView.of(d, null)).toList();
        return new Dtos.PageView<>(items, result.total(), result.page(), result.size());
    }

    /** A one-time enrollment code for EST (HTTP Basic: username = device id, password = code). */
    @POST
    @Path("/{deviceId}/enrollment-codes")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response createEnrollmentCode(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                         @PathParam("deviceId") String deviceId, String body) {
        Caller admin = auth.admin(authorization);
        checkDeviceId(deviceId);
        Dtos.EnrollmentCodeRequest request = json.read(body, Dtos.EnrollmentCodeRequest.class);
        EnrollmentCode code = enrollmentCodes.create(admin.actor(), deviceId, request.profile(),
                Timestamps.parse("expiresAt", request.expiresAt()));
        return Response.status(Response.Status.CREATED).entity(new Dtos.EnrollmentCodeView(code.deviceId(), code.profile(),
                code.code(), code.expiresAt())).build();
    }

    /** RFC 5280 §5.3.1 reason optional (default cessationOfOperation); an empty body is allowed. */
    @POST
    @Path("/{deviceId}/decommission")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.DeviceChangeView decommission(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                              @PathParam("deviceId") String deviceId, String body) {
        Caller admin = auth.admin(authorization);
        checkDeviceId(deviceId);
        String reason = body == null || body.isBlank() ? null : json.read(body, Dtos.DecommissionRequest.class).reason();
        return view(revocations.decommission(admin.actor(), deviceId, reason));
    }

    @POST
    @Path("/{deviceId}/reactivate")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.DeviceChangeView reactivate(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                            @PathParam("deviceId") String deviceId) {
        Caller admin = auth.admin(authorization);
        checkDeviceId(deviceId);
        return view(revocations.reactivate(admin.actor(), deviceId));
    }

    private static Dtos.DeviceChangeView view(DeviceOutcome o) {
        return new Dtos.DeviceChangeView(o.deviceId(), o.status().name(), o.changed(), o.revokedSerials(), o.message());
    }

    private static void checkDeviceId(String deviceId) {
        if (!Text.isDeviceId(deviceId)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "device id must be 1 to 64 characters of letters, digits, '.', ':' or '-', starting with a letter or digit");
        }
    }
}
