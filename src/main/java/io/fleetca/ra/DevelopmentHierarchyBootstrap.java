package io.fleetca.ra;

import io.fleetca.common.Json;
import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.CaFactory;
import io.fleetca.ca.CaSpec;
import io.fleetca.ca.LoadedCa;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * With fleetca.bootstrap.enabled=true and no CA yet, creates a root CA and one issuing CA
 * under it, keys in the configured key store, and logs their subjects and fingerprints.
 */
@ApplicationScoped
public class DevelopmentHierarchyBootstrap {

    private static final Logger LOG = Logger.getLogger(DevelopmentHierarchyBootstrap.class);
    public static final String ROOT_ID = "dev-root";
    public static final String ISSUING_ID = "dev-issuing";

    @Inject
    RaConfig config;

    @Inject
    CaFactory factory;

    @Inject
    CaDirectory directory;

    @Inject
    AuditLog audit;

    void onStart(@Observes StartupEvent event) {
        if (!config.bootstrap().enabled() || !directory.list().isEmpty()) {
            return;
        }
        RaConfig.Bootstrap b = config.bootstrap();
        LOG.info("No CA exists and fleetca.bootstrap.enabled=true: creating a development CA hierarchy");
        LoadedCa root = factory.create(new CaSpec(ROOT_ID, "CN=FleetCA Development Root CA,O=FleetCA Development",
                Optional.empty(), b.keyAlgorithm(), b.rootValidity()), this::audit);
        LoadedCa issuing = factory.create(new CaSpec(ISSUING_ID, "CN=FleetCA Development Issuing CA,O=FleetCA Development",
                Optional.of(root.id()), b.keyAlgorithm(), b.issuingValidity()), this::audit);
        for (LoadedCa ca : new LoadedCa[] {root, issuing}) {
            LOG.infof("Created CA %s: subject '%s', SHA-256 fingerprint %s", ca.id(), ca.record().subject(), ca.record().sha256());
        }
    }

    private void audit(io.fleetca.registry.CaRecord record) {
        audit.append(new AuditEvent("system:bootstrap", "ca.created", "ca:" + record.id(),
                Json.object("subject", record.subject(), "parent", record.parentId(), "sha256", record.sha256())));
    }
}
