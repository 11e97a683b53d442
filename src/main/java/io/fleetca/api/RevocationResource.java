package io.fleetca.api;

import io.fleetca.auth.Authenticator;
import io.fleetca.auth.Caller;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.registry.RevocationJobRecord;
import io.fleetca.revocation.BulkRevocation;
import io.fleetca.revocation.RevocationService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
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

/**
 * Bulk revocation (a compromised station, a bad batch). The request completes in one transaction
 * (one UPDATE per criterion), so it is all or nothing; its record stays readable as a job resource.
 */
@Path("/api/v1/revocations")
public class RevocationResource {

    /** serials[] and deviceIds[] of 10,000 entries each fit. */
    private static final int MAX_BODY = 1_000_000;

    @Inject
    RevocationService revocations;

    @Inject
    Authenticator auth;

    @Inject
    JsonBody json;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response revoke(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        Caller admin = auth.admin(authorization);
        Dtos.BulkRevocationRequest r = json.read(body, Dtos.BulkRevocationRequest.class, MAX_BODY);
        RevocationJobRecord job = revocations.bulk(admin.actor(), new BulkRevocation(r.reason(), r.serials(),
                r.deviceIds(), r.stationId(), Timestamps.parse("issuedAfter", r.issuedAfter()),
                Timestamps.parse("issuedBefore", r.issuedBefore())));
        return Response.created(URI.create("/api/v1/revocations/" + job.id())).entity(view(job)).build();
    }

    @GET
    @Path("/{jobId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.RevocationJobView get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                      @PathParam("jobId") String jobId) {
        auth.reader(authorization);
        if (!io.fleetca.common.Text.isStationId(jobId)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "a revocation job id is a UUID");
        }
        return revocations.job(jobId).map(this::view)
                .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no revocation job " + jobId));
    }

    private Dtos.RevocationJobView view(RevocationJobRecord job) {
        return new Dtos.RevocationJobView(job.id(), job.status(), job.reason(), job.revoked(), job.requestedBy(),
                json.tree(job.criteria()), job.createdAt(), job.finishedAt());
    }
}
