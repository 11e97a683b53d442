package io.fleetca.registry;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Station token ids already used. The primary key makes acceptance single-use across every
 * FleetCA instance sharing the database (RFC 7519 §4.1.7 leaves replay handling to us).
 */
@ApplicationScoped
public class TokenLedger {

    @Inject
    EntityManager em;

    /** Records the token id in its own committed transaction; false when it was used before. */
    public boolean consume(String stationId, String jti, Instant expiresAt, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            if (ThreadLocalRandom.current().nextInt(256) == 0) {
                // Expired ids can never be replayed (the token would be refused as expired): forget them now and then.
                em.createNativeQuery("DELETE FROM used_token WHERE expires_at < ?1").setParameter(1, now).executeUpdate();
            }
            return em.createNativeQuery("INSERT INTO used_token (station_id, jti, expires_at) VALUES (?1, ?2, ?3)"
                            + " ON CONFLICT DO NOTHING")
                    .setParameter(1, stationId).setParameter(2, jti).setParameter(3, expiresAt)
                    .executeUpdate() == 1;
        });
    }
}
