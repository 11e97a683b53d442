package io.fleetca.ra;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * Who the current request is from, once its credential verified (a station token's signature, an
 * enrollment code's hash, a client certificate byte for byte in the ledger), so that a later refusal
 * can be attributed. Before that, any name in the request is only a claim and is never an audit actor.
 */
@RequestScoped
public class VerifiedCaller {

    private String actor;

    public void verified(String actor) {
        this.actor = actor;
    }

    public Optional<String> actor() {
        return Optional.ofNullable(actor);
    }
}
