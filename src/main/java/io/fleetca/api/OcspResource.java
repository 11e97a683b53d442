package io.fleetca.api;

import io.fleetca.ocsp.OcspAnswer;
import io.fleetca.ocsp.OcspConfig;
import io.fleetca.ocsp.OcspResponder;
import io.fleetca.ocsp.RepeatedRequests;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Encoded;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * The OCSP responder over HTTP (RFC 6960 Appendix A, RFC 5019 §5): POST with an
 * application/ocsp-request body, or GET /ocsp/{url-encoded base64 of the DER request}. Every answer,
 * errors included, is an application/ocsp-response with HTTP 200; cacheable answers to GET carry
 * RFC 5019 §6.2 headers.
 */
@Path("/ocsp")
public class OcspResource {

    static final String OCSP_RESPONSE = "application/ocsp-response";

    @Inject
    OcspResponder responder;

    @Inject
    RepeatedRequests repeated;

    @Inject
    BlockingOcsp blocking;

    @Inject
    OcspConfig config;

    @Inject
    Clock clock;

    /**
     * Runs on the event loop: a request answered before whose answer still holds is answered from memory
     * ({@link RepeatedRequests}); every other one goes to a worker thread (it may read the database or sign).
     */
    @POST
    public Uni<Response> post(byte[] body, @Context HttpServerRequest http) {
        byte[] request = body == null ? new byte[0] : body;
        OcspAnswer repeat = repeated.answer(request);
        if (repeat != null) {
            return Uni.createFrom().item(postAnswer(repeat));
        }
        String source = Sources.of(http);
        return Uni.createFrom().item(() -> postAnswer(blocking.respond(request, source)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** POST responses are not cached by HTTP caches (RFC 5019 §5: caching is for GET). */
    private static Response postAnswer(OcspAnswer answer) {
        return Response.ok(answer.der(), OCSP_RESPONSE).header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("/{request: .+}")
    public Response get(@Encoded @PathParam("request") String encoded, @Context HttpServerRequest http) {
        OcspAnswer answer = responder.respond(decode(encoded), Sources.of(http));
        Response.ResponseBuilder response = Response.ok(answer.der(), OCSP_RESPONSE);
        if (!answer.cacheable()) {
            return response.header("Cache-Control", "no-store").build();
        }
        Instant now = clock.instant();
        long maxAge = Math.max(0, Math.min(config.maxAge().toSeconds(),
                Duration.between(now, answer.nextUpdate()).toSeconds()));
        return response.header("Cache-Control", "max-age=" + maxAge + ", public, no-transform, must-revalidate")
                .tag(new EntityTag(answer.etag().replace("\"", "")))
                .lastModified(Date.from(answer.thisUpdate())).expires(Date.from(answer.nextUpdate())).build();
    }

    /** Percent-decoding without the form rule '+' = space ('+' is a base64 character), then base64. */
    private byte[] decode(String encoded) {
        if (encoded.length() > 4 * config.maxRequestBytes()) {
            return new byte[config.maxRequestBytes() + 1]; // the responder answers malformedRequest
        }
        try {
            String base64 = URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            return new byte[0]; // malformedRequest
        }
    }
}
