package io.fleetca.api;

import io.vertx.core.http.HttpServerRequest;

/**
 * The client's address of a request, the key of per-source limits and anonymous refusal counts. Behind a
 * proxy it is the proxy's, unless quarkus.http.proxy.proxy-address-forwarding trusts the proxy's
 * Forwarded / X-Forwarded-For header (quarkus.http.proxy.trusted-proxies names which proxies).
 */
final class Sources {

    private Sources() {}

    static String of(HttpServerRequest http) {
        var address = http == null ? null : http.remoteAddress();
        return address == null ? null : address.hostAddress();
    }
}
