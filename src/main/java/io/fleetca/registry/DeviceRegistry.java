package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Devices and the certificates issued to them. */
@ApplicationScoped
public class DeviceRegistry {

    @Inject
    EntityManager em;

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<DeviceRecord> find(String deviceId) {
        return Optional.ofNullable(em.find(DeviceEntity.class, deviceId)).map(DeviceEntity::toRecord);
    }

    /** Certificates of a device, newest first, reserved-only rows included. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CertificateRecord> certificatesOf(String deviceId) {
        return em.createQuery("from CertificateEntity where deviceId = :d order by reservedAt desc, id desc",
                        CertificateEntity.class)
                .setParameter("d", deviceId).getResultList().stream().map(CertificateEntity::toRecord).toList();
    }

    /**
     * Devices filtered by status, station and "newest issued certificate expires before" (devices
     * due for renewal), ordered by id. Any filter may be null.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Page<DeviceRecord> list(DeviceStatus status, String stationId, Instant expiringBefore, int page, int size) {
        StringBuilder where = new StringBuilder(" where 1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (status != null) {
            where.append(" and d.status = :status");
            params.put("status", status.name());
        }
        if (stationId != null) {
            where.append(" and d.stationId = :station");
            params.put("station", stationId);
        }
        if (expiringBefore != null) {
            where.append(" and (select max(c.notAfter) from CertificateEntity c where c.deviceId = d.id"
                    + " and c.status = 'ISSUED') < :before");
            params.put("before", expiringBefore);
        }
        TypedQuery<DeviceEntity> query = em.createQuery("select d from DeviceEntity d" + where + " order by d.id",
                DeviceEntity.class);
        TypedQuery<Long> count = em.createQuery("select count(d) from DeviceEntity d" + where, Long.class);
        params.forEach((k, v) -> {
            query.setParameter(k, v);
            count.setParameter(k, v);
        });
        List<DeviceRecord> items = new ArrayList<>();
        for (DeviceEntity e : query.setFirstResult(page * size).setMaxResults(size).getResultList()) {
            items.add(e.toRecord());
        }
        return new Page<>(items, count.getSingleResult(), page, size);
    }
}
