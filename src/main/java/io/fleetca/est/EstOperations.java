package io.fleetca.est;

import io.fleetca.auth.Authenticator;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.ra.EnrollmentResult;
import io.fleetca.ra.EnrollmentService;
import io.fleetca.ra.RefusalAudit;
import io.fleetca.ra.UnverifiedRefusals;
import io.fleetca.ra.VerifiedCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The EST operations (RFC 7030 §4, with the RFC 8951 clarifications), as an adapter: wire format in,
 * a call to the RA, wire format out. Every policy check (proof of possession, key policy, key reuse,
 * scope, rate, decommissioned devices, audit) is the RA's, exactly as for REST enrollment.
 * <ul>
 *   <li>{@code GET cacerts}: the issuing CA and its chain, certs-only PKCS#7;</li>
 *   <li>{@code GET csrattrs}: what the profile needs in a CSR;</li>
 *   <li>{@code POST simpleenroll}: authorized by a station token ({@code Authorization: Bearer}, the device id
 *       is its sub) or by a one-time enrollment code ({@code Authorization: Basic}, username = device id).</li>
 * </ul>
 * Errors are plain text (§4.2.3): 400 bad request, 401 with WWW-Authenticate for missing or bad credentials,
 * 403 for credentials that do not authorize this, 404 for an unknown label; never a 500 for bad input.
 */
@ApplicationScoped
public class EstOperations {

    private static final Logger LOG = Logger.getLogger(EstOperations.class);
    static final String REALM = "fleetca-est";
    /** RFC 7617 §2: the Basic challenge names a realm; Bearer is offered for station tokens. */
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");

    @Inject
    EnrollmentService enrollment;

    @Inject
    io.fleetca.ra.DeviceRenewal renewal;

    @Inject
    Authenticator auth;

    @Inject
    RefusalAudit refusals;

    @Inject
    UnverifiedRefusals unverified;

    @Inject
    VerifiedCaller verifiedCaller;

    /**
     * Serves one request; {@code label} is the profile path segment of RFC 7030 §3.2.2, if any; {@code source}
     * is the client's address. Called from a Vert.x worker thread, outside JAX-RS: the request context the
     * registry's sessions (and {@link VerifiedCaller}) need is opened here.
     *
     * <p>A refused enrollment is audited under the caller's identity only once its credential verified
     * (a station token, an enrollment code, a ledger certificate); before that, the device id in a Basic
     * header or the mere presence of a client certificate is a claim, and the refusal is only counted,
     * anonymously, per source and reason ({@link UnverifiedRefusals}), off the audit chain's lock.
     */
    @ActivateRequestContext
    EstReply serve(String method, String path, Optional<String> label, String operation, String authorization,
                   byte[] clientCertificate, String body, String source) {
        boolean enrolling = false;
        try {
            if (label.isPresent() && !enrollment.isProfile(label.get())) {
                return EstReply.error(404, "unknown label " + label.get() + ": labels name certificate profiles", Map.of());
            }
            return switch (operation) {
                case "cacerts" -> onlyGet(method, () -> EstReply.base64(EstReply.PKCS7, Pkcs7.certsOnly(enrollment.issuingChain(label))));
                case "csrattrs" -> onlyGet(method, () -> csrAttributes(label));
                case "simpleenroll" -> {
                    if (!"POST".equals(method)) {
                        yield EstReply.error(405, "simpleenroll takes POST", Map.of("Allow", "POST"));
                    }
                    enrolling = true;
                    yield enroll(label, authorization, clientCertificate, body);
                }
                case "simplereenroll" -> {
                    if (!"POST".equals(method)) {
                        yield EstReply.error(405, "simplereenroll takes POST", Map.of("Allow", "POST"));
                    }
                    enrolling = true;
                    if (clientCertificate == null) {
                        throw new FleetCaException(ProblemType.FORBIDDEN,
                                "simplereenroll needs the current certificate as the TLS client certificate");
                    }
                    EnrollmentResult renewed = renewal.renew(clientCertificate, label, body);
                    yield EstReply.base64(EstReply.PKCS7_CERTS_ONLY, Pkcs7.certsOnly(List.of(renewed.certificate())));
                }
                default -> EstReply.error(404, "unknown EST operation " + operation, Map.of());
            };
        } catch (FleetCaException e) {
            if (enrolling) {
                Optional<String> verified = verifiedCaller.actor();
                if (verified.isPresent()) {
                    try {
                        refusals.refused(verified.get(), method, path, e.type().uri(), e.getMessage());
                    } catch (RuntimeException auditFailure) {
                        LOG.error("could not audit an EST refusal", auditFailure);
                    }
                } else {
                    unverified.refused("est", source, e.type().slug());
                }
            }
            return refusal(e);
        } catch (RuntimeException e) {
            LOG.error("EST request failed", e);
            return EstReply.error(500, "FleetCA could not complete the request; the event is logged", Map.of());
        }
    }

    private static EstReply onlyGet(String method, java.util.function.Supplier<EstReply> answer) {
        return "GET".equals(method) ? answer.get() : EstReply.error(405, "this operation takes GET", Map.of("Allow", "GET"));
    }

    private EstReply csrAttributes(Optional<String> label) {
        // Without a label the default profile for devices enrolling over EST is the operational one, if present.
        String profile = label.orElse("operational");
        return enrollment.requirements(profile).map(r -> EstReply.base64(EstReply.CSR_ATTRS, CsrAttributes.encode(r)))
                .orElseGet(() -> new EstReply(204, Map.of(), ""));
    }

    private EstReply enroll(Optional<String> label, String authorization, byte[] clientCertificate, String body) {
        if ((authorization == null || authorization.isBlank()) && clientCertificate != null) {
            EnrollmentResult result = enrollment.enrollWithStationCertificate(clientCertificate, label, body);
            return EstReply.base64(EstReply.PKCS7_CERTS_ONLY, Pkcs7.certsOnly(List.of(result.certificate())));
        }
        if (authorization == null || authorization.isBlank()) {
            throw new FleetCaException(ProblemType.UNAUTHORIZED,
                    "authenticate with Authorization: Bearer <station token> or Basic <device id>:<enrollment code>");
        }
        EnrollmentResult result;
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Authenticator.StationGrant grant = auth.stationToken(authorization);
            verifiedCaller.verified(grant.caller().actor());
            result = enrollment.enrollForStation(grant.caller().station(), grant.deviceId(), label, body,
                    new io.fleetca.ra.EnrollmentRequest.StationToken(grant.caller().csrKeyBinding(),
                            grant.caller().tokenToUse()));
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] userAndCode = basic(authorization);
            result = enrollment.enrollWithCode(userAndCode[0], userAndCode[1], label, body);
        } else {
            throw new FleetCaException(ProblemType.UNAUTHORIZED, "use the Bearer or Basic authorization scheme");
        }
        return EstReply.base64(EstReply.PKCS7_CERTS_ONLY, Pkcs7.certsOnly(List.of(result.certificate())));
    }

    /** RFC 7617 §2: base64 of user-id ":" password. */
    private static String[] basic(String authorization) {
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("no user id");
            }
            return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            throw new FleetCaException(ProblemType.UNAUTHORIZED, "the Basic credentials are not base64 of <device id>:<code>");
        }
    }

    private static EstReply refusal(FleetCaException e) {
        Map<String, String> headers = new HashMap<>();
        int status = e.type().status();
        if (status == 401) {
            // Empty body: clients answering the challenge (BouncyCastle's) close the 401 without reading it.
            return new EstReply(401, CHALLENGE, "");
        }
        e.retryAfter().ifPresent(d -> headers.put("Retry-After", Long.toString(Math.max(1, d.toSeconds()))));
        return EstReply.error(status, e.getMessage(), headers);
    }
}
