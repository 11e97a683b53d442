package io.fleetca.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetca.auth.Authenticator;
import io.fleetca.auth.Caller;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.ra.StationRegistration;
import io.fleetca.ra.StationService;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import io.fleetca.ra.EnrollmentResult;
import io.fleetca.ra.ServiceCertificates;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Provisioning stations: registered and disabled by admins, readable by auditors. */
@Path("/api/v1/stations")
@Produces(MediaType.APPLICATION_JSON)
public class StationResource {

    @Inject
    StationService service;

    @Inject
    StationRegistry stations;

    @Inject
    Authenticator auth;

    @Inject
    JsonBody json;

    @Inject
    ObjectMapper mapper;

    @Inject
    ServiceCertificates serviceCertificates;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response register(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        Caller caller = auth.admin(authorization);
        Dtos.RegisterStation r = json.read(body, Dtos.RegisterStation.class);
        String jwk;
        try {
            // The JWK may be sent as a JSON object (usual) or as a string holding one.
            jwk = r.publicKey() instanceof String s ? s : r.publicKey() == null ? null : mapper.writeValueAsString(r.publicKey());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "publicKey is not a JWK object");
        }
        StationRecord s = service.register(caller.actor(), new StationRegistration(r.name(), jwk, r.profiles(),
                r.deviceIdPattern(), r.maxEnrollmentsPerHour(), r.requireKeyBinding()));
        return Response.created(URI.create("/api/v1/stations/" + s.id())).entity(view(s)).build();
    }

    @GET
    public List<Dtos.StationView> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.reader(authorization);
        return stations.list().stream().map(this::view).toList();
    }

    @GET
    @Path("/{id}")
    public Dtos.StationView get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        auth.reader(authorization);
        return (Text.isStationId(id) ? stations.find(id) : java.util.Optional.<StationRecord>empty()).map(this::view)
                .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no such station"));
    }

    @POST
    @Path("/{id}/disable")
    public Dtos.StationView disable(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        Caller caller = auth.admin(authorization);
        return view(service.disable(caller.actor(), id));
    }

    /**
     * A TLS client certificate for the station itself (its EST credential, RFC 7030 §3.3.2), requested
     * with the station's own token (sub = station id).
     */
    @POST
    @Path("/{id}/certificates")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response certificate(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id,
                                String body) {
        if (!Text.isStationId(id)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "station ids are UUIDs");
        }
        Caller station = auth.station(authorization, id);
        if (!station.id().equals(id)) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "a station may only request its own certificate");
        }
        Dtos.StationCertificateRequest request = json.read(body, Dtos.StationCertificateRequest.class);
        EnrollmentResult r = serviceCertificates.station(station.station(), station.actor(), request.csr());
        return Response.created(URI.create("/api/v1/certificates/" + r.record().serial()))
                .entity(new Dtos.EnrollResponse(r.record().serial(), null, r.record().issuerId(), r.record().profile(),
                        r.record().notBefore(), r.record().notAfter(), Pem.certificate(r.der()), Pem.chain(r.chain())))
                .build();
    }

    private Dtos.StationView view(StationRecord s) {
        Object jwk;
        try {
            jwk = mapper.readValue(s.publicJwk(), Map.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            jwk = s.publicJwk();
        }
        return new Dtos.StationView(s.id(), s.name(), jwk, s.profiles(), s.deviceIdPattern(), s.maxEnrollmentsPerHour(),
                s.enabled(), s.createdAt(), s.disabledAt(), s.requireKeyBinding());
    }
}
