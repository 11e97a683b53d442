package io.fleetca.ra;

import io.fleetca.common.Json;
import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.CaFactory;
import io.fleetca.ca.CaSpec;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.registry.CaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Admin operations on CAs: listing, and creating roots and issuing CAs with keys generated in the HSM. */
@ApplicationScoped
public class CaAdministration {

    static final int MAX_VALIDITY_DAYS = 36500;

    @Inject
    CaFactory factory;

    @Inject
    CaDirectory directory;

    @Inject
    AuditLog audit;

    public List<CaRecord> list() {
        return directory.list().stream().map(LoadedCa::record).toList();
    }

    public Optional<CaRecord> find(String id) {
        return directory.find(id).map(LoadedCa::record);
    }

    public CaRecord create(String actor, String id, String subject, String parentId, String keyAlgorithm, Integer validityDays) {
        int days = validityDays == null ? (parentId == null ? 7300 : 3650) : validityDays;
        if (days < 1 || days > MAX_VALIDITY_DAYS) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "validityDays must be between 1 and " + MAX_VALIDITY_DAYS);
        }
        if (subject == null || subject.isBlank()) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "subject is required");
        }
        return factory.create(new CaSpec(id, subject, Optional.ofNullable(parentId),
                        keyAlgorithm == null ? "EC_P256" : keyAlgorithm, Duration.ofDays(days)),
                record -> audit.append(new AuditEvent(actor, "ca.created", "ca:" + record.id(), Json.object(
                        "subject", record.subject(), "parent", record.parentId(), "keyAlgorithm", record.keyAlgorithm(),
                        "sha256", record.sha256())))).record();
    }
}
