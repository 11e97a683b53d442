package io.fleetca.api;

import io.fleetca.ocsp.OcspAnswer;
import io.fleetca.ocsp.OcspResponder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;

/**
 * The full OCSP answer on a worker thread, for requests the event loop could not answer from memory: the
 * status read outside a transaction needs a request context, which the worker thread does not inherit.
 */
@ApplicationScoped
class BlockingOcsp {

    @Inject
    OcspResponder responder;

    @ActivateRequestContext
    OcspAnswer respond(byte[] request, String source) {
        return responder.respond(request, source);
    }
}
