package io.fleetca.ra;

import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.common.CredentialLockout;
import io.fleetca.common.Json;
import io.fleetca.common.Text;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

    /**
     * A credential locked after too many failed attempts: one event naming what was locked (the attempts came
     * from callers nobody verified, so the actor is anonymous; the counts per source are UnverifiedRefusals').
     */
    void lockedOut(@Observes CredentialLockout lockout) {
        audit.appendAlone(new AuditEvent("anonymous", "credential.locked", Text.clip(lockout.target(), 200),
                Json.object("credential", lockout.credential(), "failures", Integer.toString(lockout.failures()),
                        "until", lockout.until().toString(), "source", Text.clip(lockout.source(), 64))));
    }
}
