package io.fleetca.ra;

import io.fleetca.common.Json;
import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.common.Text;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Records that an authenticated request was refused. The refusal changed nothing else, so the
 * event is written in a transaction of its own.
 */
@ApplicationScoped
public class RefusalAudit {

    @Inject
    AuditLog audit;

    public void refused(String actor, String method, String path, String problem, String detail) {
        // Bounded to the audit columns (actor, target 256; details 8192): a long input must not turn a refusal into a 500.
        audit.appendAlone(new AuditEvent(Text.clip(actor, 200), "request.refused", Text.clip(method + " " + path, 200),
                Json.object("problem", problem, "detail", Text.clip(detail, 2000))));
    }
}
