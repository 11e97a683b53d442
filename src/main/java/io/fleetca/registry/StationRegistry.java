package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Provisioning stations. */
@ApplicationScoped
public class StationRegistry {

    @Inject
    StationRepository stations;

    @Inject
    TransactionSql sql;

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(StationRecord s) {
        StationEntity e = new StationEntity();
        e.id = s.id();
        e.name = s.name();
        e.publicJwk = s.publicJwk();
        e.profiles = String.join(",", s.profiles());
        e.deviceIdPattern = s.deviceIdPattern();
        e.maxEnrollmentsPerHour = s.maxEnrollmentsPerHour();
        e.enabled = s.enabled();
        e.createdAt = s.createdAt();
        e.requireKeyBinding = s.requireKeyBinding();
        stations.persistAndFlush(e);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean nameTaken(String name) {
        return stations.count("name", name) > 0;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<StationRecord> find(String id) {
        return stations.findByIdOptional(id).map(StationEntity::toRecord);
    }

    /**
     * The station as the database holds it now, read without the persistence context (plain JDBC): the
     * lookup every station-token check makes, before any transaction. Not for a transaction that changed the
     * station through its entity (that change is not flushed yet); {@link #find} is.
     */
    public Optional<StationRecord> current(String id) {
        List<Object[]> rows = sql.read("SELECT id, name, public_jwk, profiles, device_id_pattern, max_enrollments_per_hour,"
                + " enabled, created_at, disabled_at, require_key_binding FROM station WHERE id = ?", id);
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        return Optional.of(new StationRecord((String) r[0], (String) r[1], (String) r[2], StationEntity.profileList((String) r[3]),
                (String) r[4], ((Number) r[5]).intValue(), (Boolean) r[6], Sql.instant(r[7]), Sql.instant(r[8]),
                (Boolean) r[9]));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<StationRecord> list() {
        return stations.list("order by createdAt, id").stream().map(StationEntity::toRecord).toList();
    }

    /**
     * Disables the station; returns the updated record, or empty if unknown. The row is locked before
     * the time is read, so disabledAt is later than the issuedAt of every certificate recorded for the
     * station (recording holds the row shared, see {@link #lockIfEnabled}): "revoke what the station got
     * up to disabledAt" misses nothing.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<StationRecord> disable(String id, java.time.Clock clock) {
        StationEntity e = stations.findById(id);
        if (e == null) {
            return Optional.empty();
        }
        stations.getEntityManager().refresh(e, LockModeType.PESSIMISTIC_WRITE);
        if (e.enabled) {
            e.enabled = false;
            e.disabledAt = clock.instant();
        }
        return Optional.of(e.toRecord());
    }

    /**
     * Whether the station is enabled, read under a shared row lock held until the caller's transaction
     * ends: a certificate recorded in that transaction cannot overlap a disable (which waits for it, or is
     * seen). Shared, so enrollments of one station do not queue behind each other.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean lockIfEnabled(String id) {
        List<Object[]> rows = sql.rows("SELECT enabled FROM station WHERE id = ? " + sql.shareLock(), id);
        return !rows.isEmpty() && Boolean.TRUE.equals(rows.get(0)[0]);
    }
}
