package io.fleetca.api;

import io.fleetca.auth.Authenticator;
import io.fleetca.auth.Caller;
import io.fleetca.registry.CaRecord;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.ra.CaAdministration;
import io.fleetca.revocation.CaRevocationService;
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
import java.util.List;

/** CA certificates (public); creating, revoking and re-certifying CAs and pre-producing their OCSP responses (admin). */
@Path("/api/v1/cas")
public class CaResource {

    static final String PKIX_CERT = "application/pkix-cert";
    static final String PEM_FILE = "application/x-pem-file";

    @Inject
    CaAdministration cas;

    @Inject
    Authenticator auth;

    @Inject
    CaRevocationService caRevocations;

    @Inject
    JsonBody json;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<Dtos.CaView> list() {
        return cas.list().stream().map(Dtos.CaView::of).toList();
    }

    /**
     * DER (RFC 2585 §4.1 application/pkix-cert), or PEM when the client asks for PEM or text. This URL
     * is the AIA caIssuers location in every leaf, and RFC 5280 §4.2.2.1 requires DER there: generic
     * fetchers send no Accept or a wildcard, so they get DER.
     */
    @GET
    @Path("/{caId}/certificate")
    public Response certificate(@PathParam("caId") String caId, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        CaRecord ca = (Text.isCaId(caId) ? cas.find(caId) : java.util.Optional.<CaRecord>empty())
                .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no such CA"));
        if (wantsPem(accept)) {
            return Response.ok(Pem.certificate(ca.certificateDer()), PEM_FILE).build();
        }
        return Response.ok(ca.certificateDer(), PKIX_CERT).build();
    }

    private static boolean wantsPem(String accept) {
        return accept != null && !accept.contains(PKIX_CERT) && (accept.contains(PEM_FILE)
                || accept.contains("application/pem-certificate-chain") || accept.contains("text/plain"));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        Caller caller = auth.admin(authorization);
        Dtos.CreateCa request = json.read(body, Dtos.CreateCa.class);
        CaRecord ca = cas.create(caller.actor(), request.id(), request.subject(), request.parentId(), request.keyAlgorithm(),
                request.validityDays());
        return Response.created(URI.create("/api/v1/cas/" + ca.id())).entity(Dtos.CaView.of(ca)).build();
    }

    /**
     * Revokes an issuing CA (RFC 5280 §5.3.1 reasons; cACompromise for its key): its certificates in the
     * parent's ledger become revoked for OCSP at once and in the parent's next CRL, and it issues nothing more.
     */
    @POST
    @Path("/{caId}/revoke")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.CaRevocationView revoke(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                        @PathParam("caId") String caId, String body) {
        Caller caller = auth.admin(authorization);
        Dtos.RevokeRequest request = json.read(body, Dtos.RevokeRequest.class);
        CaRevocationService.Outcome o = caRevocations.revoke(caller.actor(), caId, request.reason(),
                Timestamps.parse("invalidityDate", request.invalidityDate()));
        return new Dtos.CaRevocationView(o.changed(), o.message(), o.revokedSerials(), Dtos.CaView.of(o.ca()));
    }

    /** Certifies an issuing CA again under its parent, same key and subject, with today's extensions. */
    @POST
    @Path("/{caId}/recertify")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.CaView recertify(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                 @PathParam("caId") String caId, String body) {
        Caller caller = auth.admin(authorization);
        return Dtos.CaView.of(cas.recertify(caller.actor(), caId, validity(body).validityDays()));
    }

    /**
     * Key-ceremony step (RFC 6960 §2.5): signs, with the CA's own key, OCSP responses for every CA certificate
     * the CA issued, and serves them until they expire or the certificate's state changes.
     */
    @POST
    @Path("/{caId}/ocsp-responses")
    @Produces(MediaType.APPLICATION_JSON)
    public Dtos.PreproducedView preProduceOcsp(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                               @PathParam("caId") String caId, String body) {
        Caller caller = auth.admin(authorization);
        CaAdministration.PreproducedSet set = cas.preProduceOcsp(caller.actor(), caId, validity(body).validityDays());
        return new Dtos.PreproducedView(set.caId(), set.certificates(), set.responses(), set.thisUpdate(), set.nextUpdate());
    }

    /** The optional {"validityDays": n} body; none means the default. */
    private Dtos.CaValidity validity(String body) {
        return body == null || body.isBlank() ? new Dtos.CaValidity(null) : json.read(body, Dtos.CaValidity.class);
    }
}
