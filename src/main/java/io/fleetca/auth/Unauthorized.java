package io.fleetca.auth;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;

final class Unauthorized {
    private Unauthorized() {}

    static FleetCaException because(String detail) {
        return new FleetCaException(ProblemType.UNAUTHORIZED, detail);
    }
}
