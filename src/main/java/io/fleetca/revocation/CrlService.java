package io.fleetca.revocation;

import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.ChunkedBytes;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.registry.CrlStore;
import io.fleetca.registry.PublishedCrl;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the newest published CRLs. Each request asks the database which CRL is newest (one small
 * indexed row); the DER itself is kept in memory per CA until a newer one is published, in chunks
 * (a million-entry CRL is 49 MiB), and streamed to each client from there.
 */
@ApplicationScoped
public class CrlService {

    /** A CRL ready to serve. */
    public record ServedCrl(PublishedCrl meta, ChunkedBytes der) {}

    @Inject
    CaDirectory cas;

    @Inject
    CrlStore store;

    @Inject
    CrlPublisher publisher;

    private final Map<String, ServedCrl> cache = new ConcurrentHashMap<>();

    /**
     * The CRL named by a distribution point file name: {@code <caId>.crl} (complete) or
     * {@code <caId>-delta.crl} (delta). Empty for a CA FleetCA does not have.
     */
    public Optional<ServedCrl> byFileName(String fileName) {
        if (fileName == null || !fileName.endsWith(".crl")) {
            return Optional.empty();
        }
        String stem = fileName.substring(0, fileName.length() - ".crl".length());
        Optional<LoadedCa> full = Text.isCaId(stem) ? cas.find(stem) : Optional.empty();
        if (full.isPresent()) {
            return Optional.of(current(full.get(), false));
        }
        if (stem.endsWith("-delta")) {
            String id = stem.substring(0, stem.length() - "-delta".length());
            return (Text.isCaId(id) ? cas.find(id) : Optional.<LoadedCa>empty()).map(ca -> current(ca, true));
        }
        return Optional.empty();
    }

    private ServedCrl current(LoadedCa ca, boolean delta) {
        Optional<PublishedCrl> latest = store.latest(ca.id(), delta);
        if (latest.isEmpty() && publisher.publishIfMissing(ca)) {
            latest = store.latest(ca.id(), delta);
        }
        PublishedCrl meta = latest.orElseThrow(() -> new FleetCaException(ProblemType.CRL_NOT_READY,
                "the CRL of CA " + ca.id() + " is being published; retry shortly", Duration.ofSeconds(5)));
        String key = ca.id() + (delta ? "#delta" : "#full");
        ServedCrl cached = cache.get(key);
        if (cached != null && cached.meta().number() == meta.number()) {
            return cached;
        }
        ChunkedBytes der = store.der(ca.id(), meta.number()).orElseThrow(() -> new FleetCaException(ProblemType.CRL_NOT_READY,
                "a newer CRL of CA " + ca.id() + " is being published; retry shortly", Duration.ofSeconds(1)));
        ServedCrl served = new ServedCrl(meta, der);
        cache.merge(key, served, (old, fresh) -> fresh.meta().number() > old.meta().number() ? fresh : old);
        return served;
    }
}
