package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** One-time enrollment codes, stored as hashes. */
@ApplicationScoped
public class EnrollmentCodes {

    @Inject
    EntityManager em;

    @Transactional(Transactional.TxType.MANDATORY)
    public void add(EnrollmentCodeRecord code) {
        em.createNativeQuery("INSERT INTO enrollment_code (code_sha256, device_id, profile, created_by, created_at,"
                        + " expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, code.codeSha256()).setParameter(2, code.deviceId()).setParameter(3, code.profile())
                .setParameter(4, code.createdBy()).setParameter(5, code.createdAt()).setParameter(6, code.expiresAt())
                .executeUpdate();
    }

    /** The unused, unexpired code for this device with this hash, if any (does not use it up). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<EnrollmentCodeRecord> findUsable(String deviceId, String codeSha256, Instant now) {
        List<?> rows = em.createNativeQuery("SELECT code_sha256, device_id, profile, created_by, created_at, expires_at,"
                        + " used_at, used_serial FROM enrollment_code WHERE code_sha256 = ?1 AND device_id = ?2"
                        + " AND used_at IS NULL AND expires_at > ?3")
                .setParameter(1, codeSha256).setParameter(2, deviceId).setParameter(3, now).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        return Optional.of(new EnrollmentCodeRecord((String) r[0], (String) r[1], (String) r[2], (String) r[3],
                Sql.instant(r[4]), Sql.instant(r[5]), Sql.instant(r[6]), (String) r[7]));
    }

    /**
     * Uses the code up, in the caller's transaction (the one recording the certificate): true for
     * exactly one caller, however many race, and only while the code is unexpired.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean use(String codeSha256, String serial, Instant now) {
        return em.createNativeQuery("UPDATE enrollment_code SET used_at = ?1, used_serial = ?2"
                        + " WHERE code_sha256 = ?3 AND used_at IS NULL AND expires_at > ?1")
                .setParameter(1, now).setParameter(2, serial).setParameter(3, codeSha256).executeUpdate() == 1;
    }
}
