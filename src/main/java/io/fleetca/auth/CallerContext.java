package io.fleetca.auth;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/** The caller of the current request once its credential verified, so a later refusal can be attributed. */
@RequestScoped
public class CallerContext {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Optional<Caller> caller() {
        return Optional.ofNullable(caller);
    }
}
