package io.fleetca.registry;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Station token ids already used. The primary key makes acceptance single-use across every
 * FleetCA instance sharing the database (RFC 7519 §4.1.7 leaves replay handling to us).
 */
@ApplicationScoped
public class TokenLedger {

    @Inject
    TransactionSql sql;

    /** Records the token id in its own committed transaction; false when it was used before. */
    public boolean consume(String stationId, String jti, Instant expiresAt, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> consumeInTransaction(new OneTimeToken(stationId, jti, expiresAt), now));
    }

    /**
     * Records the token id in the caller's transaction (it counts as used when that commits); false when
     * another transaction recorded it first. A racing insert of the same id waits for the other
     * transaction and then sees its row, so exactly one of them proceeds.
     */
    @jakarta.transaction.Transactional(jakarta.transaction.Transactional.TxType.MANDATORY)
    public boolean consumeInTransaction(OneTimeToken token, Instant now) {
        String stationId = token.stationId();
        String jti = token.jti();
        Instant expiresAt = token.expiresAt();
        if (ThreadLocalRandom.current().nextInt(256) == 0) {
            // Expired ids can never be replayed (the token would be refused as expired): forget them now and then.
            sql.update("DELETE FROM used_token WHERE expires_at < ?", now);
        }
        return sql.update("INSERT INTO used_token (station_id, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                stationId, jti, expiresAt) == 1;
    }
}
