package io.fleetca.ra;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
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
        audit.appendAlone(new AuditEvent(actor, "request.refused", method + " " + path,
                Json.object("problem", problem, "detail", detail)));
    }
}
