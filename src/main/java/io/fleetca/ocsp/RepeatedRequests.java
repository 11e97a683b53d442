package io.fleetca.ocsp;

import io.fleetca.ca.LoadedCa;
import io.fleetca.registry.CertificateState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;

/**
 * Answers a request that is byte for byte one answered before, from memory alone: no parsing, no database,
 * no signing, nothing that blocks, so it can run on the HTTP event loop. Brokers ask the same question on
 * every handshake of a device (RFC 5019 §2.2: single CertID, no nonce), so most requests are repeats.
 * The answer is reused under the same conditions as {@link OcspResponder}'s own cache: the certificate's
 * state as the {@link StatusCache} holds it in memory (so only while the revocation feed is fresh) is the
 * state the answer was signed for, its responder is still the CA's current one, and it is younger than half
 * its validity. Anything else is a miss, and the request goes the full way.
 */
@ApplicationScoped
public class RepeatedRequests {

    /** Longer requests are not remembered: single-CertID requests without a nonce are about 70 to 120 bytes. */
    static final int MAX_REQUEST_BYTES = 256;

    @Inject
    StatusCache states;

    @Inject
    Responders responders;

    @Inject
    OcspConfig config;

    @Inject
    Clock clock;

    @Inject
    MeterRegistry meters;

    /** What a repeated request gets, and what must still hold for it to get it. */
    record Entry(LoadedCa ca, String serial, String state, String responderAlias, OcspAnswer answer, Instant reuseUntil) {}

    private Lru<ByteBuffer, Entry> entries;
    private Counter hits;

    @PostConstruct
    void init() {
        entries = new Lru<>(config.cacheSize()); // bounded in entries, and each key in bytes
        hits = meters.counter("fleetca.ocsp.requests", "result", "repeated");
    }

    /** The answer to this exact request if it is a repeat whose answer still holds, else null. */
    public OcspAnswer answer(byte[] request) {
        if (request == null || request.length == 0 || request.length > MAX_REQUEST_BYTES) {
            return null;
        }
        Entry e = entries.get(ByteBuffer.wrap(request));
        if (e == null || !clock.instant().isBefore(e.reuseUntil())) {
            return null;
        }
        CertificateState now = states.inMemory(e.ca().id(), e.serial());
        if (now == null || !now.fingerprint().equals(e.state()) || !e.responderAlias().equals(responders.currentAlias(e.ca()))) {
            return null;
        }
        hits.increment();
        return e.answer();
    }

    /** Remembers the answer to a single-CertID request without a nonce (the caller's cache entry). */
    void remember(byte[] request, Entry entry) {
        if (request.length <= MAX_REQUEST_BYTES) {
            entries.put(ByteBuffer.wrap(request.clone()), entry);
        }
    }
}
