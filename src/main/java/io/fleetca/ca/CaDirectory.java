package io.fleetca.ca;

import io.fleetca.keys.KeyAlgorithm;
import io.fleetca.registry.CaRecord;
import io.fleetca.registry.CaRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * CAs by id, parsed once and re-read from the database after {@link #TTL}: a CA's certificate changes only
 * when it is certified again (same key and subject, so either certificate validates what it issued) and its
 * revocation is enforced by the ledger on every issuance, so an instance may serve the previous state that
 * long. A CA created by another instance is found on the first miss.
 */
@ApplicationScoped
public class CaDirectory {

    @Inject
    CaRegistry registry;

    @Inject
    CaConfig config;

    /** How long a parsed CA is used before its record is read again. */
    static final java.time.Duration TTL = java.time.Duration.ofSeconds(30);

    private record Entry(LoadedCa ca, long loadedAtNanos) {}

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    /** Counts CAs created or changed by this instance, so indexes over all CAs know to rebuild at once. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    /** The fallback issuer never changes once one exists (oldest first), so it is resolved once. */
    private volatile String firstIssuingCa;

    public Optional<LoadedCa> find(String id) {
        Entry cached = cache.get(id);
        if (cached != null && System.nanoTime() - cached.loadedAtNanos < TTL.toNanos()) {
            return Optional.of(cached.ca);
        }
        return findFresh(id);
    }

    /** The CA as the database has it now (its revocation state and current certificate). */
    public Optional<LoadedCa> findFresh(String id) {
        Optional<LoadedCa> ca = registry.find(id).map(this::load);
        ca.ifPresentOrElse(c -> cache.put(id, new Entry(c, System.nanoTime())), () -> cache.remove(id));
        return ca;
    }

    /** Drops every parsed CA (a certificate changed here; children's chains include their parent's). */
    void forget() {
        cache.clear();
        changes.incrementAndGet();
    }

    /** A CA was created by this instance. */
    void created() {
        changes.incrementAndGet();
    }

    /** Grows whenever this instance created or changed a CA. */
    public long changes() {
        return changes.get();
    }

    public List<LoadedCa> list() {
        return registry.list().stream().map(r -> find(r.id()).orElseThrow()).toList();
    }

    /**
     * The issuing CA for a profile: its own {@code issuer}, else fleetca.default-issuer, else the
     * first issuing CA created (CAs are listed oldest first). Empty when none can be chosen.
     */
    public Optional<LoadedCa> issuerFor(Optional<String> profileIssuer) {
        Optional<String> named = profileIssuer.or(config::defaultIssuer);
        if (named.isPresent()) {
            return find(named.get());
        }
        String first = firstIssuingCa;
        if (first == null) {
            first = registry.list().stream().filter(r -> r.parentId() != null).findFirst().map(CaRecord::id).orElse(null);
            if (first == null) {
                return Optional.empty();
            }
            firstIssuingCa = first;
        }
        return find(first);
    }

    private LoadedCa load(CaRecord record) {
        try {
            X509CertificateHolder cert = new X509CertificateHolder(record.certificateDer());
            List<X509CertificateHolder> chain = new ArrayList<>();
            chain.add(cert);
            if (record.parentId() != null) {
                LoadedCa parent = find(record.parentId())
                        .orElseThrow(() -> new IllegalStateException("parent CA missing: " + record.parentId()));
                chain.addAll(parent.chain());
            }
            return new LoadedCa(record, cert, KeyAlgorithm.valueOf(record.keyAlgorithm()), List.copyOf(chain));
        } catch (IOException e) {
            throw new IllegalStateException("stored certificate of CA " + record.id() + " does not parse", e);
        }
    }
}
