package io.fleetca.est;

import io.fleetca.auth.CallerContext;
import io.fleetca.auth.DeviceCertificateProvisioner;
import io.fleetca.auth.EnrollmentCodeProvisioner;
import io.fleetca.auth.EnrollmentGrant;
import io.fleetca.auth.StationCertificateProvisioner;
import io.fleetca.auth.StationTokenProvisioner;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SourceLimits;
import io.fleetca.ra.EnrollmentCatalog;
import io.fleetca.ra.EnrollmentResult;
import io.fleetca.ra.IssuancePipeline;
import io.fleetca.ra.RefusalAudit;
import io.fleetca.ra.UnverifiedRefusals;
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
    IssuancePipeline pipeline;

    @Inject
    EnrollmentCatalog catalog;

    @Inject
    StationTokenProvisioner stationTokens;

    @Inject
    StationCertificateProvisioner stationCertificates;

    @Inject
    EnrollmentCodeProvisioner enrollmentCodes;

    @Inject
    DeviceCertificateProvisioner deviceCertificates;

    @Inject
    EstConfig config;

    @Inject
    RefusalAudit refusals;

    @Inject
    UnverifiedRefusals unverified;

    @Inject
    CallerContext callers;

    @Inject
    SourceLimits limits;

    /**
     * Serves one request; {@code label} is the profile path segment of RFC 7030 §3.2.2, if any; {@code source}
     * is the client's address. Called from a Vert.x worker thread, outside JAX-RS: the request context the
     * registry's sessions (and {@link CallerContext}) need is opened here.
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
            if (label.isPresent() && !catalog.isProfile(label.get())) {
                return EstReply.error(404, "unknown label " + label.get() + ": labels name certificate profiles", Map.of());
            }
            return switch (operation) {
                case "cacerts" -> onlyGet(method, () -> EstReply.base64(EstReply.PKCS7, Pkcs7.certsOnly(catalog.issuingChain(label))));
                case "csrattrs" -> onlyGet(method, () -> csrAttributes(label, authorization, clientCertificate));
                case "simpleenroll" -> {
                    if (!"POST".equals(method)) {
                        yield EstReply.error(405, "simpleenroll takes POST", Map.of("Allow", "POST"));
                    }
                    Optional<EstReply> limited = sourceLimited(source);
                    if (limited.isPresent()) {
                        yield limited.get();
                    }
                    enrolling = true;
                    yield enroll(label, authorization, clientCertificate, body, source);
                }
                case "simplereenroll" -> {
                    if (!"POST".equals(method)) {
                        yield EstReply.error(405, "simplereenroll takes POST", Map.of("Allow", "POST"));
                    }
                    Optional<EstReply> limited = sourceLimited(source);
                    if (limited.isPresent()) {
                        yield limited.get();
                    }
                    enrolling = true;
                    if (clientCertificate == null) {
                        throw new FleetCaException(ProblemType.FORBIDDEN,
                                "simplereenroll needs the current certificate as the TLS client certificate");
                    }
                    // Renewal is the pipeline with the device certificate's grant (it supersedes that certificate).
                    EnrollmentGrant grant = deviceCertificates.authorize(clientCertificate, label);
                    yield issued(pipeline.enroll(grant, label, body));
                }
                default -> EstReply.error(404, "unknown EST operation " + operation, Map.of());
            };
        } catch (FleetCaException e) {
            if (enrolling) {
                Optional<String> verified = callers.actor();
                if (verified.isPresent()) {
                    try {
                        refusals.refused(verified.get(), method, path, e.type().uri(), e.getMessage());
                    } catch (RuntimeException auditFailure) {
                        LOG.error("could not audit an EST refusal", auditFailure);
                    }
                } else {
                    unverified.refused("est", source, e.type().slug());
                    limits.estRefused(source);
                }
            }
            return refusal(e);
        } catch (RuntimeException e) {
            if (io.fleetca.common.DatabaseOutage.isCause(e)) {
                return refusal(io.fleetca.common.DatabaseOutage.problem());
            }
            LOG.error("EST request failed", e);
            return EstReply.error(500, "FleetCA could not complete the request; the event is logged", Map.of());
        }
    }

    /**
     * A source whose unverified credentials were refused too often (guessing enrollment codes, say) gets 429
     * (RFC 6585 §4) before its credential is even looked at, until its budget refills.
     */
    private Optional<EstReply> sourceLimited(String source) {
        return limits.estRefusalsSpent(source).map(wait -> refusal(new FleetCaException(ProblemType.RATE_LIMITED,
                "too many refused credentials from this address (fleetca.limits.est-refusals-per-minute); retry later",
                wait)));
    }

    private static EstReply onlyGet(String method, java.util.function.Supplier<EstReply> answer) {
        return "GET".equals(method) ? answer.get() : EstReply.error(405, "this operation takes GET", Map.of("Allow", "GET"));
    }

    /**
     * RFC 7030 §4.5: what the profile needs in a CSR. Without a label: the first profile of the station a
     * presented credential names (a station token or TLS certificate; the profile of a device certificate),
     * as simpleenroll without a label takes; else fleetca.est.default-profile. csrattrs describes public
     * policy, so a credential that does not verify is not refused here, only not used.
     */
    private EstReply csrAttributes(Optional<String> label, String authorization, byte[] clientCertificate) {
        String profile = label.or(() -> grantedProfile(authorization, clientCertificate)).orElse(config.defaultProfile());
        return catalog.requirements(profile).map(r -> EstReply.base64(EstReply.CSR_ATTRS, CsrAttributes.encode(r)))
                .orElseGet(() -> new EstReply(204, Map.of(), ""));
    }

    private Optional<String> grantedProfile(String authorization, byte[] clientCertificate) {
        try {
            if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
                // Verified, never used up: a jti is used up only by the reservation of an enrollment.
                return Optional.of(stationTokens.authorize(new StationTokenProvisioner.Presented(authorization, null),
                        Optional.empty()).profiles().get(0));
            }
            if (clientCertificate != null) {
                try {
                    return Optional.of(stationCertificates.authorize(clientCertificate, Optional.empty()).profiles().get(0));
                } catch (FleetCaException notAStation) {
                    return Optional.of(deviceCertificates.authorize(clientCertificate, Optional.empty()).profiles().get(0));
                }
            }
        } catch (FleetCaException e) {
            LOG.debugf("csrattrs: the presented credential names no station (%s)", e.getMessage());
        }
        return Optional.empty();
    }

    /**
     * simpleenroll (RFC 7030 §4.2.1): the credential picks the provisioner; each turns it into a grant, and
     * the issuance pipeline works from the grant alone.
     */
    private EstReply enroll(Optional<String> label, String authorization, byte[] clientCertificate, String body,
                             String source) {
        EnrollmentGrant grant;
        if ((authorization == null || authorization.isBlank()) && clientCertificate != null) {
            grant = stationCertificates.authorize(clientCertificate, label);
        } else if (authorization == null || authorization.isBlank()) {
            throw new FleetCaException(ProblemType.UNAUTHORIZED,
                    "authenticate with Authorization: Bearer <station token> or Basic <device id>:<enrollment code>");
        } else if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            grant = stationTokens.authorize(new StationTokenProvisioner.Presented(authorization, null), label);
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] userAndCode = basic(authorization);
            grant = enrollmentCodes.authorize(new EnrollmentCodeProvisioner.Presented(userAndCode[0], userAndCode[1], source), label);
        } else {
            throw new FleetCaException(ProblemType.UNAUTHORIZED, "use the Bearer or Basic authorization scheme");
        }
        return issued(pipeline.enroll(grant, label, body));
    }

    private static EstReply issued(EnrollmentResult result) {
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
