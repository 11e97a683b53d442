package io.fleetca.api;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SourceLimits;
import io.fleetca.registry.PublishedCrl;
import io.fleetca.revocation.CrlConfig;
import io.fleetca.revocation.CrlService;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * CRL distribution points (RFC 5280 §4.2.1.13, §5): {@code /crl/<caId>.crl} (complete) and
 * {@code /crl/<caId>-delta.crl} (delta), DER, public. HTTP caching per RFC 9111: ETag, Last-Modified
 * (thisUpdate) and max-age never beyond nextUpdate; conditional requests get 304.
 */
@Path("/crl")
public class CrlResource {

    static final String PKIX_CRL = "application/pkix-crl";

    @Inject
    CrlService crls;

    @Inject
    CrlConfig config;

    @Inject
    SourceLimits limits;

    @Inject
    Clock clock;

    @GET
    @Path("/{file}")
    public Response crl(@PathParam("file") String file, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
                        @Context HttpServerRequest http) {
        CrlService.ServedCrl crl = crls.byFileName(file).orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND,
                "no CRL " + file + "; CRLs are /crl/<caId>.crl and /crl/<caId>-delta.crl"));
        PublishedCrl meta = crl.meta();
        EntityTag etag = new EntityTag(meta.sha256().substring(0, 32));
        Instant now = clock.instant();
        long maxAge = Math.max(0, Math.min(config.maxAge().toSeconds(), Duration.between(now, meta.nextUpdate()).toSeconds()));
        boolean notModified = ifNoneMatch != null && ifNoneMatch.contains(etag.getValue());
        if (!notModified) {
            // A 304 costs nothing; a full CRL may be megabytes, so full downloads are limited per source.
            limits.takeCrlDownload(Sources.of(http)).ifPresent(wait -> {
                throw new FleetCaException(ProblemType.RATE_LIMITED, "this address has downloaded the CRL "
                        + "too often (fleetca.limits.crl-downloads-per-minute); send If-None-Match with the ETag, or "
                        + "retry later", wait);
            });
        }
        Response.ResponseBuilder response = notModified
                ? Response.notModified(etag)
                : Response.ok((StreamingOutput) crl.der()::writeTo, PKIX_CRL).tag(etag)
                        .header(HttpHeaders.CONTENT_LENGTH, crl.der().size());
        return response.header("Cache-Control", "max-age=" + maxAge + ", public, no-transform").lastModified(Date.from(meta.thisUpdate()))
                .expires(Date.from(now.plusSeconds(maxAge))).build();
    }
}
