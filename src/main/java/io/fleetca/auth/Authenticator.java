package io.fleetca.auth;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The one place resources ask who is calling. Each method verifies the credential and
 * the role the endpoint needs, or throws a 401/403 problem.
 */
@ApplicationScoped
public class Authenticator {

    @Inject
    AdminTokenVerifier admins;

    @Inject
    StationTokenVerifier stationTokens;

    @Inject
    CallerContext context;

    /** Full rights: an admin JWT. */
    public Caller admin(String authorization) {
        Caller caller = operator(authorization);
        if (caller.role() != Caller.Role.ADMIN) {
            throw new FleetCaException(ProblemType.FORBIDDEN, "auditors have read-only access");
        }
        return caller;
    }

    /** Read-only rights: an admin or auditor JWT. */
    public Caller reader(String authorization) {
        return operator(authorization);
    }

    /**
     * A token signed by a registered, enabled station for exactly this subject; its jti is used up now (station
     * certificates; enrollment tokens go through {@link StationTokenProvisioner}, which defers that to the
     * reservation).
     */
    public Caller station(String authorization, String deviceId) {
        Caller caller = stationTokens.verify(BearerToken.from(authorization), deviceId, StationTokenVerifier.Use.NOW);
        context.set(caller);
        return caller;
    }

    private Caller operator(String authorization) {
        String token = BearerToken.from(authorization);
        try {
            Caller caller = admins.verify(token);
            context.set(caller);
            return caller;
        } catch (FleetCaException e) {
            // A valid-looking station token here is a station trying an operator endpoint: say so plainly.
            String kid = TokenHeader.parse(token).kid();
            if (e.type() == ProblemType.UNAUTHORIZED && stationTokens.isSignedByStation(token, kid)) {
                throw new FleetCaException(ProblemType.FORBIDDEN, "station credentials cannot call admin or auditor endpoints");
            }
            throw e;
        }
    }
}
