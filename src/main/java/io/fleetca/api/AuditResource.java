package io.fleetca.api;

import io.fleetca.audit.AuditLog;
import io.fleetca.auth.Authenticator;
import io.fleetca.registry.AuditEventRecord;
import io.fleetca.registry.AuditStore;
import io.fleetca.registry.Page;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** The audit log (newest first) and its hash-chain verification; admins and auditors. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditStore store;

    @Inject
    AuditLog log;

    @Inject
    Authenticator auth;

    @GET
    public Dtos.PageView<Dtos.AuditEventView> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                                   @QueryParam("page") String page, @QueryParam("size") String size) {
        auth.reader(authorization);
        Paging paging = Paging.of(page, size);
        Page<AuditEventRecord> result = store.page(paging.page(), paging.size());
        return new Dtos.PageView<>(result.items().stream().map(Dtos.AuditEventView::of).toList(), result.total(),
                result.page(), result.size());
    }

    @GET
    @Path("/verify")
    public Dtos.AuditVerification verify(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        auth.reader(authorization);
        AuditLog.Verification v = log.verify();
        return new Dtos.AuditVerification(v.intact(), v.eventsChecked(), v.firstBrokenSeq().orElse(null), v.reason(),
                v.checkpointsChecked(), v.lastCheckpoint().map(Dtos.CheckpointView::of).orElse(null), v.unsealed());
    }
}
