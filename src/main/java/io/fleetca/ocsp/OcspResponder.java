package io.fleetca.ocsp;

import io.fleetca.ca.LoadedCa;
import io.fleetca.ca.OcspStatuses;
import io.fleetca.registry.PreproducedOcspStore;
import io.fleetca.ca.ResponderCertificates;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SourceLimits;
import io.fleetca.common.SerialNumber;
import io.fleetca.common.Text;
import io.fleetca.registry.CertificateState;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.jboss.logging.Logger;

/**
 * Answers OCSP requests (RFC 6960) from the ledger, signed by the CA's delegated responder (issuing CAs for
 * device certificates, roots for the issuing CAs' certificates), or with a response pre-produced at a key
 * ceremony for a root whose key may be offline.
 * <ul>
 *   <li>good / revoked (time, reason) / unknown for a serial the CA never issued (§2.2);</li>
 *   <li>unauthorized when a CertID names an issuer FleetCA does not serve, or the certificates of one
 *       request belong to different CAs (one response has one signer); malformedRequest for anything
 *       that does not parse or exceeds the limits; tryLater when the key store is unavailable (§2.3);</li>
 *   <li>a nonce (RFC 8954, 1 to 32 octets) is echoed in a freshly signed response, within the
 *       {@link SigningBudget} (past it: the cached response without the nonce, RFC 8954 §2.1; several
 *       CertIDs: tryLater); single-certificate requests without one are served from a cache (RFC 5019 §2.2)
 *       whose entries are keyed by the certificate's current revocation state, read from the
 *       {@link StatusCache} (memory, kept fresh by notifications at commit; the database whenever those may
 *       have been missed): a revocation that has committed is never answered with a cached "good".</li>
 * </ul>
 */
@ApplicationScoped
public class OcspResponder {

    private static final Logger LOG = Logger.getLogger(OcspResponder.class);

    @Inject
    IssuerIndex issuers;

    @Inject
    Responders responders;

    @Inject
    ResponderCertificates responderCertificates;

    @Inject
    StatusCache states;

    @Inject
    SigningBudget budget;

    @Inject
    SourceLimits sourceLimits;

    @Inject
    PreproducedOcspStore preproduced;

    @Inject
    RepeatedRequests repeated;

    @Inject
    OcspConfig config;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry meters;

    private static final io.fleetca.common.LogThrottle MISSING_LOGGED = new io.fleetca.common.LogThrottle(java.time.Duration.ofMinutes(1));

    private record Cached(String state, String responderAlias, OcspAnswer answer) {}

    private Lru<String, Cached> cache;

    @jakarta.annotation.PostConstruct
    void init() {
        cache = new Lru<>(config.cacheSize()); // bounded: anyone can ask about random serials
    }

    /**
     * Always an OCSPResponse; never throws for bad input. {@code source}: the client's address, whose share of
     * the signing budget a nonce request takes ({@link SourceLimits}).
     */
    public OcspAnswer respond(byte[] request, String source) {
        return respond(request, source, null);
    }

    /** {@code missing}: the responder whose key was found missing on the first try, replaced before this one. */
    private OcspAnswer respond(byte[] request, String source, ResponderCertificates.ResponderKeyMissingException missing) {
        try {
            if (missing != null) {
                responders.replaceMissingKey(missing.caId(), missing.alias());
            }
            return answer(request, source);
        } catch (ResponderCertificates.ResponderKeyMissingException e) {
            // tryLater (RFC 6960 §2.3) would last until the responder's renewal: use a successor, once.
            if (missing == null) {
                return respond(request, source, e);
            }
            // The successor's key is gone too: a token that lost its objects. tryLater (RFC 6960 §2.3), as for a
            // CA key missing; readiness is DOWN meanwhile (ca-keys), so a load balancer asks another instance.
            if (MISSING_LOGGED.shouldLog(e.alias())) {
                LOG.error(e.getMessage() + "; answering tryLater until the token holds it");
            }
            count("try_later");
            return status(OCSPRespBuilder.TRY_LATER);
        } catch (OcspRequests.Malformed m) {
            count("malformed");
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        } catch (Refusal r) {
            count(r.status == OCSPRespBuilder.MALFORMED_REQUEST ? "malformed" : "unauthorized");
            return status(r.status);
        } catch (FleetCaException e) {
            if (e.type() == ProblemType.CA_REVOKED) {
                // RFC 6960 §2.3: the CA was revoked and its last responder has expired; nobody answers for it.
                count("unauthorized");
                return status(OCSPRespBuilder.UNAUTHORIZED);
            }
            if (e.type() == ProblemType.INTERNAL) {
                LOG.errorf("OCSP request failed: %s", e.getMessage()); // e.g. a CA key missing from the key store
                count("internal_error");
                return status(OCSPRespBuilder.INTERNAL_ERROR);
            }
            if (e.type() != ProblemType.KEY_STORE_UNAVAILABLE) {
                throw e;
            }
            count("try_later");
            return status(OCSPRespBuilder.TRY_LATER);
        } catch (RuntimeException e) {
            if (io.fleetca.common.DatabaseOutage.isCause(e)) {
                // RFC 6960 §2.3: the status cannot be read now; never an answer from a state that may be stale.
                count("try_later");
                return status(OCSPRespBuilder.TRY_LATER);
            }
            LOG.error("OCSP request failed", e);
            count("internal_error");
            return status(OCSPRespBuilder.INTERNAL_ERROR);
        }
    }

    private OcspAnswer answer(byte[] request, String source) {
        OcspRequests.Parsed parsed = OcspRequests.parse(request, config.maxRequestBytes(), config.maxCertificates());
        Req[] list = parsed.list();
        Extension nonce = parsed.nonce();
        LoadedCa ca = null;
        for (Req r : list) {
            LoadedCa found = issuers.find(r.getCertID()).orElseThrow(() -> new Refusal(OCSPRespBuilder.UNAUTHORIZED));
            if (ca != null && !ca.id().equals(found.id())) {
                throw new Refusal(OCSPRespBuilder.UNAUTHORIZED);
            }
            ca = found;
        }
        if (nonce == null && list.length == 1) {
            return cachedOrSigned(ca, list[0].getCertID(), request);
        }
        // This source's share first, so that one address spending its share leaves the instance's budget to others.
        if (!sourceLimits.takeOcspSignature(source) || !budget.take()) {
            if (list.length == 1) {
                // RFC 8954 §2.1: a responder may ignore the nonce; the cached response costs the HSM nothing.
                meters.counter("fleetca.ocsp.budget.exceeded", "answer", "without_nonce").increment();
                return cachedOrSigned(ca, list[0].getCertID(), null);
            }
            meters.counter("fleetca.ocsp.budget.exceeded", "answer", "try_later").increment();
            count("try_later");
            return status(OCSPRespBuilder.TRY_LATER);
        }
        Responders.Responder responder = responders.forCa(ca);
        count(nonce == null ? "multiple" : "nonce");
        CertificateID[] ids = new CertificateID[list.length];
        Optional<CertificateState>[] states = lookup(ca, list, ids);
        return sign(ca, responder, ids, states, nonce, false);
    }

    @SuppressWarnings("unchecked")
    private Optional<CertificateState>[] lookup(LoadedCa ca, Req[] list, CertificateID[] ids) {
        Optional<CertificateState>[] states = new Optional[list.length];
        for (int i = 0; i < list.length; i++) {
            ids[i] = list[i].getCertID();
            states[i] = state(ca, ids[i].getSerialNumber());
        }
        return states;
    }

    /**
     * A single CertID without a nonce: a pre-produced response (RFC 6960 §2.5) for a CA that has them, else a
     * cached one, else freshly signed and cached. Both kinds are keyed by the request's exact DER CertID, so
     * the answer always repeats the requester's own CertID (§4.2.2.3: hash algorithm parameters included),
     * and used only while the ledger state they were made for still holds. {@code request}, when not null,
     * is remembered with the answer for {@link RepeatedRequests} (not for pre-produced answers: those are
     * few, and checked against the store).
     */
    private OcspAnswer cachedOrSigned(LoadedCa ca, CertificateID id, byte[] request) {
        Optional<CertificateState> state = state(ca, id.getSerialNumber());
        String fingerprint = state.map(CertificateState::fingerprint).orElse(CertificateState.NONE);
        byte[] certId = encoded(id);
        Instant now = clock.instant();
        if (ca.record().parentId() == null) {
            Optional<OcspAnswer> pre = preproduced.find(ca.id(), certId)
                    .filter(p -> p.state().equals(fingerprint) && !now.isBefore(p.thisUpdate()) && now.isBefore(p.nextUpdate()))
                    .map(p -> new OcspAnswer(p.der(), true, p.thisUpdate(), p.nextUpdate(), etag(p.der())));
            if (pre.isPresent()) {
                count("pre_produced");
                return pre.get();
            }
        }
        Responders.Responder responder = responders.forCa(ca);
        String key = ca.id() + "/" + java.util.HexFormat.of().formatHex(certId);
        Cached cached = cache.get(key);
        if (cached != null && cached.state.equals(fingerprint) && cached.responderAlias.equals(responder.keyAlias())
                && now.isBefore(reuseUntil(cached.answer))) {
            count("cache_hit");
        } else {
            @SuppressWarnings("unchecked")
            Optional<CertificateState>[] states = new Optional[] {state};
            cached = new Cached(fingerprint, responder.keyAlias(), sign(ca, responder, new CertificateID[] {id}, states, null, true));
            cache.put(key, cached);
        }
        // Unknown serials are read every time (StatusCache), never repeated; roots answer from the pre-produced
        // store first, which a remembered delegated answer would bypass.
        if (request != null && state.isPresent() && ca.record().parentId() != null) {
            repeated.remember(request, new RepeatedRequests.Entry(ca, new SerialNumber(id.getSerialNumber()).hex(),
                    cached.state, cached.responderAlias, cached.answer, reuseUntil(cached.answer)));
        }
        return cached.answer;
    }

    /** RFC 5019 §2.2 leaves the refresh to the responder: a cached answer is signed anew after half its validity. */
    private Instant reuseUntil(OcspAnswer answer) {
        return answer.thisUpdate().plus(config.responseValidity().dividedBy(2));
    }

    private static byte[] encoded(CertificateID id) {
        try {
            return id.toASN1Primitive().getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
        } catch (IOException e) {
            throw new Refusal(OCSPRespBuilder.MALFORMED_REQUEST);
        }
    }

    private Optional<CertificateState> state(LoadedCa ca, BigInteger serial) {
        if (serial.signum() <= 0 || serial.bitLength() > 159) {
            return Optional.empty(); // not a serial FleetCA could have issued (RFC 5280 §4.1.2.2)
        }
        return states.state(ca.id(), new SerialNumber(serial).hex());
    }

    private OcspAnswer sign(LoadedCa ca, Responders.Responder responder, CertificateID[] ids,
                            Optional<CertificateState>[] states, Extension nonce, boolean cacheable) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = now.plus(config.responseValidity());
        BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(responder.responderId());
        for (int i = 0; i < ids.length; i++) {
            builder.addResponse(ids[i], OcspStatuses.of(states[i]), Date.from(now), Date.from(nextUpdate), null);
        }
        if (nonce != null) {
            builder.setResponseExtensions(new Extensions(nonce)); // RFC 8954 §2: echo the request's nonce
        }
        try {
            BasicOCSPResp basic = builder.build(responderCertificates.signer(responder.keyAlias(), ca),
                    new X509CertificateHolder[] {responder.certificate()}, Date.from(now));
            byte[] der = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
            return cacheable ? new OcspAnswer(der, true, now, nextUpdate, etag(der)) : OcspAnswer.uncacheable(der);
        } catch (OCSPException e) {
            if (e.getCause() instanceof FleetCaException f) {
                throw f;
            }
            if (e.getCause() instanceof ResponderCertificates.ResponderKeyMissingException m) {
                throw m;
            }
            throw new IllegalStateException("signing the OCSP response failed", e);
        } catch (IOException e) {
            throw new IllegalStateException("encoding the OCSP response failed", e);
        }
    }

    private static OcspAnswer status(int status) {
        try {
            return OcspAnswer.uncacheable(new OCSPRespBuilder().build(status, null).getEncoded());
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String etag(byte[] der) {
        return "\"" + Text.sha256Hex(der).substring(0, 32) + "\"";
    }

    private void count(String result) {
        meters.counter("fleetca.ocsp.requests", "result", result).increment();
    }

    /** An OCSP error status (RFC 6960 §4.2.1) to answer with instead of a signed response. */
    private static final class Refusal extends RuntimeException {
        private final int status;

        Refusal(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }
}
