package io.fleetca.api;

import io.fleetca.common.DatabaseOutage;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.auth.CallerContext;
import io.fleetca.ra.RefusalAudit;
import io.fleetca.ra.UnverifiedRefusals;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place refusals become {@code application/problem+json} (RFC 9457). A 4xx names
 * what was wrong; a 5xx says nothing internal (the cause goes to the log only).
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    /**
     * 503s that are a state of the service, not a failure: the client gets their detail and Retry-After
     * (RFC 9110 §10.2.3), and nothing is logged as an error.
     */
    private static final java.util.Set<ProblemType> TEMPORARY = java.util.EnumSet.of(ProblemType.KEY_STORE_UNAVAILABLE,
            ProblemType.BUSY, ProblemType.DATABASE_UNAVAILABLE);

    @Inject
    CallerContext callers;

    @Inject
    RefusalAudit refusals;

    @Inject
    UnverifiedRefusals unverified;

    @Inject
    HttpServerRequest http;

    @ServerExceptionMapper
    public Response fleetCa(FleetCaException e, UriInfo uri, Request request) {
        if (e.type().status() < 500) {
            // Refusals of authenticated requests are audit events under the verified caller. A credential that
            // did not verify names nobody: its refusals are counted anonymously per source and reason, off the
            // audit chain's lock (as EST does; see UnverifiedRefusals).
            var caller = callers.caller();
            if (caller.isPresent()) {
                try {
                    refusals.refused(caller.get().actor(), request.getMethod(), uri.getPath(), e.type().slug(), e.getMessage());
                } catch (RuntimeException auditFailure) {
                    // The caller still gets the refusal it earned; the missing event is loud in the log.
                    LOG.error("Could not write the audit event of a refused request", auditFailure);
                }
            } else if (e.type() == ProblemType.UNAUTHORIZED || e.type() == ProblemType.FORBIDDEN) {
                unverified.refused("api", Sources.of(http), e.type().slug());
            }
        }
        if (e.type().status() >= 500 && !TEMPORARY.contains(e.type())) {
            LOG.errorf("Refused with %s: %s", e.type().slug(), e.getMessage());
            return response(e.type(), "FleetCA could not complete the request; the event is logged", null);
        }
        Response.ResponseBuilder b = builder(e.type(), e.getMessage());
        e.retryAfter().ifPresent(d -> b.header("Retry-After", Math.max(1, d.toSeconds())));
        if (e.type() == ProblemType.UNAUTHORIZED) {
            // RFC 6750 §3: tell the client which scheme to use.
            b.header("WWW-Authenticate", "Bearer realm=\"fleetca\"");
        }
        return b.build();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ProblemType type = switch (status) {
            case 404 -> ProblemType.NOT_FOUND;
            case 405 -> ProblemType.MALFORMED_REQUEST;
            case 406 -> ProblemType.NOT_ACCEPTABLE;
            case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
            case 415 -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            default -> status >= 500 ? ProblemType.INTERNAL : ProblemType.MALFORMED_REQUEST;
        };
        if (status >= 500) {
            LOG.error("Request failed", e);
            return response(ProblemType.INTERNAL, "FleetCA could not complete the request; the event is logged", null);
        }
        String detail = switch (status) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed on this resource";
            case 406 -> "the requested media type is not available here";
            case 415 -> "send the request body as application/json";
            default -> "the request is malformed";
        };
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(type.uri(), type.title(), status, detail)).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        if (clientWentAway(e)) {
            // The client closed the connection while its request was read: nobody gets this answer.
            LOG.debugf("Client closed the connection mid-request: %s", e.getMessage());
            return response(ProblemType.MALFORMED_REQUEST, "the connection was closed before the request was read", null);
        }
        if (malformedFraming(e)) {
            // Found by the fault suite's hostile requests: broken chunked framing failed the body read deep in
            // Netty and was logged as an error and answered 500. The client's fault: 400 (if it still listens).
            LOG.debugf("Malformed request framing: %s", e.getMessage());
            return response(ProblemType.MALFORMED_REQUEST, "the request body's framing (chunked encoding) is malformed", null);
        }
        if (DatabaseOutage.isCause(e)) {
            // A state of the service (readiness is DOWN meanwhile), not a failure to log per request.
            LOG.debugf("Database unavailable: %s", e.getMessage());
            return response(ProblemType.DATABASE_UNAVAILABLE, "the database is unavailable; retry later",
                    DatabaseOutage.RETRY_AFTER.toSeconds());
        }
        LOG.error("Unexpected failure", e);
        return response(ProblemType.INTERNAL, "FleetCA could not complete the request; the event is logged", null);
    }

    /**
     * A body whose HTTP/1.1 framing does not parse (RFC 9112 §7.1: a chunk size that is not hex, say): Netty's
     * decoder fails, and the body read surfaces it as an IOException around the decoder's own exception.
     */
    private static boolean malformedFraming(Throwable e) {
        boolean io = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.netty.handler.codec.DecoderException) {
                return true;
            }
            if (io && (t instanceof NumberFormatException || t instanceof io.netty.handler.codec.TooLongFrameException)) {
                return true;
            }
            io |= t instanceof java.io.IOException;
        }
        return false;
    }

    /**
     * The connection closed under the body read: the client's doing, or Netty's after a framing error it
     * answered itself (which of the two exceptions the read then sees is a race: the fault suite's broken
     * chunked framing surfaced as either).
     */
    private static boolean clientWentAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.vertx.core.http.HttpClosedException || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    static Response response(ProblemType type, String detail, Long retryAfterSeconds) {
        Response.ResponseBuilder b = builder(type, detail);
        if (retryAfterSeconds != null) {
            b.header("Retry-After", retryAfterSeconds);
        }
        return b.build();
    }

    private static Response.ResponseBuilder builder(ProblemType type, String detail) {
        return Response.status(type.status()).type(Problem.MEDIA_TYPE)
                .entity(new Problem(type.uri(), type.title(), type.status(), detail));
    }
}
