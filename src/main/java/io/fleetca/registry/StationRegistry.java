package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Provisioning stations. */
@ApplicationScoped
public class StationRegistry {

    @Inject
    StationRepository stations;

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

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<StationRecord> list() {
        return stations.list("order by createdAt, id").stream().map(StationEntity::toRecord).toList();
    }

    /** Disables the station; returns the updated record, or empty if unknown. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<StationRecord> disable(String id, Instant at) {
        StationEntity e = stations.findById(id);
        if (e == null) {
            return Optional.empty();
        }
        if (e.enabled) {
            e.enabled = false;
            e.disabledAt = at;
        }
        return Optional.of(e.toRecord());
    }
}
