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
 * CAs by id, parsed once. CA certificates never change once created, so caching them is safe
 * on every instance; a CA created by another instance is found on the first miss.
 */
@ApplicationScoped
public class CaDirectory {

    @Inject
    CaRegistry registry;

    @Inject
    CaConfig config;

    private final Map<String, LoadedCa> cache = new ConcurrentHashMap<>();
    /** The fallback issuer never changes once one exists (oldest first), so it is resolved once. */
    private volatile String firstIssuingCa;

    public Optional<LoadedCa> find(String id) {
        LoadedCa cached = cache.get(id);
        if (cached != null) {
            return Optional.of(cached);
        }
        return registry.find(id).map(this::load).map(ca -> {
            cache.put(id, ca);
            return ca;
        });
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
