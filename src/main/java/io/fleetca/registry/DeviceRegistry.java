package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.quarkus.hibernate.orm.panache.PanacheQuery;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Devices and the certificates issued to them. */
@ApplicationScoped
public class DeviceRegistry {

    @Inject
    DeviceRepository devices;

    @Inject
    CertificateRepository certificates;

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<DeviceRecord> find(String deviceId) {
        return devices.findByIdOptional(deviceId).map(DeviceEntity::toRecord);
    }

    /** The case-folded form stored in device.id_folded (device ids are ASCII, see Text.isDeviceId). */
    static String fold(String deviceId) {
        return deviceId.toLowerCase(java.util.Locale.ROOT);
    }

    /** Certificates of a device, newest first, reserved-only rows included. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CertificateRecord> certificatesOf(String deviceId) {
        return certificates.list("deviceId = ?1 order by reservedAt desc, id desc", deviceId).stream()
                .map(CertificateEntity::toRecord).toList();
    }

    /**
     * Devices filtered by status, station and "newest issued certificate expires before" (devices
     * due for renewal), ordered by id. Any filter may be null.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Page<DeviceRecord> list(DeviceStatus status, String stationId, Instant expiringBefore, int page, int size) {
        StringBuilder where = new StringBuilder("1 = 1");
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
        PanacheQuery<DeviceEntity> query = devices.find("from DeviceEntity d where " + where + " order by d.id", params);
        List<DeviceRecord> items = query.page(io.quarkus.panache.common.Page.of(page, size)).list().stream()
                .map(DeviceEntity::toRecord).toList();
        return new Page<>(items, query.count(), page, size);
    }
}
