package io.fleetca.auth;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * Who the current request is from once its credential verified (a JWT's signature, an enrollment code's
 * hash, a client certificate byte for byte in the ledger), so that a later refusal can be attributed.
 * Before that, any name in the request is only a claim and is never an audit actor.
 */
@RequestScoped
public class CallerContext {

    private Caller caller;
    private String actor;

    void set(Caller caller) {
        this.caller = caller;
        this.actor = caller.actor();
    }

    /** A verified credential that is not a JWT caller (a code, a certificate): only its audit name. */
    void verified(String actor) {
        this.actor = actor;
    }

    /** The verified JWT caller (admin, auditor, station), if the request had one. */
    public Optional<Caller> caller() {
        return Optional.ofNullable(caller);
    }

    /** The verified caller's audit name, whatever the credential. */
    public Optional<String> actor() {
        return Optional.ofNullable(actor);
    }
}
