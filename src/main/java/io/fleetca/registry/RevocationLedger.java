package io.fleetca.registry;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Revocation state changes on the ledger. Every change runs in the caller's transaction (with its
 * audit event) and first takes the next value of the revocation clock, whose row stays locked until
 * commit: change numbers therefore follow commit order, which is what lets a CRL snapshot showing
 * clock value N be sure it sees every change up to N (delta CRLs select on it).
 */
@ApplicationScoped
public class RevocationLedger {

    /** Largest number of bind parameters put in one IN list. */
    private static final int IN_CHUNK = 1000;

    @Inject
    EntityManager em;

    @Inject
    CertificateRepository certificates;

    @Inject
    RevocationFeed feed;

    /**
     * Locks the revocation clock until the transaction ends and returns the next change number. Also
     * notifies every instance at commit ({@link RevocationFeed}): OCSP's status caches rely on it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long nextChange() {
        em.createNativeQuery("UPDATE revocation_clock SET seq = seq + 1 WHERE id = 1").executeUpdate();
        long change = ((Number) em.createNativeQuery("SELECT seq FROM revocation_clock WHERE id = 1").getSingleResult()).longValue();
        feed.changed(em, change); // every revocation state change passes here: tell every instance at commit
        return change;
    }

    /** The last change to a CA's certificates, one probe of the partial index (V15); see {@link #lastChangeOf}. */
    static final String LAST_CHANGE = "SELECT revocation_seq FROM certificate WHERE issuer_id = ?1"
            + " AND revocation_seq IS NOT NULL ORDER BY revocation_seq DESC LIMIT 1";

    /**
     * The revocation clock value of the last change (revoke, release, reason upgrade) to a certificate this
     * CA issued, 0 if none: the per-CA change mark that makes only this CA's CRLs due. Derived from the
     * ledger rows themselves (every change stamps revocation_seq; the partial index
     * certificate_issuer_revocation_seq_idx makes this one backward index probe, written as ORDER BY ... LIMIT 1
     * so that no plan can take it for an aggregate over the issuer's rows), so no change path can forget to bump
     * it and no extra row is written.
     * Committed changes only: a change with a value at most a CRL snapshot's clock value is in that snapshot
     * (see {@link #nextChange()}). Any other revocation state listed on this CA's CRLs must be counted here too.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public long lastChangeOf(String caId) {
        List<?> last = em.createNativeQuery(LAST_CHANGE).setParameter(1, caId).getResultList();
        return last.isEmpty() ? 0 : ((Number) last.get(0)).longValue();
    }

    /** The certificate row, locked until the transaction ends. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<CertificateRecord> lock(String issuerId, String serial) {
        List<?> ids = em.createNativeQuery("SELECT id FROM certificate WHERE issuer_id = ?1 AND serial = ?2 FOR UPDATE")
                .setParameter(1, issuerId).setParameter(2, serial).getResultList();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        CertificateEntity e = certificates.findById(((Number) ids.get(0)).longValue());
        em.refresh(e);
        return Optional.of(e.toRecord());
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public CertificateRecord markRevoked(String issuerId, String serial, String reason, Instant revokedAt,
                                         Instant invalidityDate, long change) {
        CertificateEntity e = certificates.find("issuerId = ?1 and serial = ?2", issuerId, serial).singleResult();
        e.status = CertificateStatus.REVOKED.name();
        e.revokedAt = revokedAt;
        e.revocationReason = reason;
        e.invalidityDate = invalidityDate;
        e.revocationSeq = change;
        return e.toRecord();
    }

    /**
     * Lifts a certificateHold: the certificate is ISSUED again. revoked_at is kept: the delta CRL's
     * removeFromCRL entry (RFC 5280 §5.3.1) repeats the date the base CRL listed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public CertificateRecord markReleased(String issuerId, String serial, long change) {
        CertificateEntity e = certificates.find("issuerId = ?1 and serial = ?2", issuerId, serial).singleResult();
        e.status = CertificateStatus.ISSUED.name();
        e.revocationReason = null;
        e.invalidityDate = null;
        e.revocationSeq = change;
        return e.toRecord();
    }

    /** A renewal's predecessor stays valid until {@code at}, then is revoked (superseded) by the scheduler. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void scheduleSupersede(String issuerId, String serial, Instant at) {
        em.createNativeQuery("UPDATE certificate SET revoke_after = ?1 WHERE issuer_id = ?2 AND serial = ?3")
                .setParameter(1, at).setParameter(2, issuerId).setParameter(3, serial).executeUpdate();
    }

    /**
     * The station's issued certificates of this profile (certificates of no device) other than
     * {@code except} that are not yet scheduled for supersession, locked until the transaction ends.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<CertificateRecord> lockLiveOfStation(String stationId, String profile, String except) {
        List<?> ids = em.createNativeQuery("SELECT id FROM certificate WHERE station_id = ?1 AND device_id IS NULL"
                        + " AND profile = ?2 AND status = 'ISSUED' AND revoke_after IS NULL AND serial <> ?3 ORDER BY id FOR UPDATE")
                .setParameter(1, stationId).setParameter(2, profile).setParameter(3, except).getResultList();
        List<CertificateRecord> out = new ArrayList<>();
        for (Object id : ids) {
            CertificateEntity e = certificates.findById(((Number) id).longValue());
            em.refresh(e);
            out.add(e.toRecord());
        }
        return out;
    }

    /** Issued certificates whose scheduled supersession is due, oldest first, at most {@code limit}. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CertificateRecord> supersessionsDue(Instant now, int limit) {
        return certificates.find("status = 'ISSUED' and revokeAfter <= ?1 order by revokeAfter", now).range(0, limit - 1)
                .list().stream().map(CertificateEntity::toRecord).toList();
    }

    /** The device's status, its row locked until the transaction ends (enrollment records lock it too). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<DeviceStatus> lockDevice(String deviceId) {
        List<?> rows = em.createNativeQuery("SELECT status FROM device WHERE id = ?1 FOR UPDATE")
                .setParameter(1, deviceId).getResultList();
        return rows.isEmpty() ? Optional.empty() : Optional.of(DeviceStatus.valueOf((String) rows.get(0)));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void setDeviceStatus(String deviceId, DeviceStatus status, Instant now) {
        em.createNativeQuery("UPDATE device SET status = ?1, updated_at = ?2 WHERE id = ?3")
                .setParameter(1, status.name()).setParameter(2, now).setParameter(3, deviceId).executeUpdate();
    }

    /** Serials of the certificates a revocation with {@code reason} would change for this device now. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> liveSerialsOf(String deviceId, String reason, Instant now) {
        List<?> rows = em.createNativeQuery("SELECT serial FROM certificate WHERE device_id = ?1 AND not_after > ?2 AND "
                        + REVOCABLE + " ORDER BY serial")
                .setParameter(1, deviceId).setParameter(2, now).setParameter(3, reason).getResultList();
        return rows.stream().map(String.class::cast).toList();
    }

    /**
     * Certificates a revocation may change: issued ones, held ones becoming permanently revoked
     * (RFC 5280 §5.3.1: a hold may be replaced by a final reason), and revoked ones whose reason becomes
     * keyCompromise (CA/Browser Forum BR §4.9.1.1; no other reason change); never CA certificates, which are
     * revoked only with their CA (CaLedger#revoke). Parameter 3 is the new reason.
     */
    private static final String REVOCABLE = "(status = 'ISSUED' OR (status = 'REVOKED' AND revocation_reason <> ?3"
            + " AND (revocation_reason = 'certificateHold' OR ?3 = 'keyCompromise'))) AND profile <> 'ca'";

    /**
     * Revokes, in one pass per criterion and all inside the caller's transaction, every unexpired
     * certificate that matches any criterion and is still revocable. Returns how many changed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long revokeMatching(BulkSelection selection, String reason, Instant revokedAt, long change, String jobId) {
        // A hold made final, or a reason upgraded to keyCompromise, keeps its revocation date (the base CRL
        // already lists it with that date) and its invalidity date.
        String set = "UPDATE certificate SET revoked_at = CASE WHEN status = 'REVOKED' THEN revoked_at ELSE ?1 END,"
                + " status = 'REVOKED', revocation_reason = ?3,"
                + " invalidity_date = CASE WHEN status = 'REVOKED' THEN invalidity_date ELSE NULL END,"
                + " revocation_seq = ?4, revocation_job = ?5 WHERE not_after > ?2 AND " + REVOCABLE;
        long changed = 0;
        for (List<String> chunk : chunks(selection.serials())) {
            changed += bind(em.createNativeQuery(set + " AND serial IN (" + placeholders(6, chunk.size()) + ")"),
                    revokedAt, reason, change, jobId, chunk).executeUpdate();
        }
        for (List<String> chunk : chunks(selection.deviceIds())) {
            changed += bind(em.createNativeQuery(set + " AND device_id IN (" + placeholders(6, chunk.size()) + ")"),
                    revokedAt, reason, change, jobId, chunk).executeUpdate();
        }
        if (selection.stationId() != null) {
            changed += em.createNativeQuery(set + " AND station_id = ?6 AND issued_at >= ?7 AND issued_at < ?8")
                    .setParameter(1, revokedAt).setParameter(2, revokedAt).setParameter(3, reason)
                    .setParameter(4, change).setParameter(5, jobId).setParameter(6, selection.stationId())
                    .setParameter(7, selection.issuedAfter()).setParameter(8, selection.issuedBefore())
                    .executeUpdate();
        }
        return changed;
    }

    private static jakarta.persistence.Query bind(jakarta.persistence.Query q, Instant revokedAt, String reason,
                                                  long change, String jobId, List<String> values) {
        q.setParameter(1, revokedAt).setParameter(2, revokedAt).setParameter(3, reason).setParameter(4, change)
                .setParameter(5, jobId);
        for (int i = 0; i < values.size(); i++) {
            q.setParameter(6 + i, values.get(i));
        }
        return q;
    }

    private static String placeholders(int first, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(i == 0 ? "" : ", ").append('?').append(first + i);
        }
        return sb.toString();
    }

    private static List<List<String>> chunks(List<String> values) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i += IN_CHUNK) {
            out.add(values.subList(i, Math.min(values.size(), i + IN_CHUNK)));
        }
        return out;
    }

    /**
     * For a bulk keyCompromise: locks, in ascending id order, the device rows of every certificate whose key
     * is the key of a certificate the selection matches. Called after {@link #nextChange()} and before any
     * certificate changes, so bulk revocation locks as single revocation does (revocation clock, device,
     * certificates), and an enrollment of such a key that is being recorded (it locks its device, then checks
     * for compromise) either commits first and is revoked here, or waits and records nothing.
     * Returns how many device rows are locked.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int lockDevicesOfKeys(BulkSelection selection) {
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        for (Criterion c : criteria(selection, 1)) {
            var q = em.createNativeQuery("SELECT DISTINCT k.device_id FROM certificate k WHERE k.device_id IS NOT NULL"
                    + " AND k.spki_sha256 IN (SELECT c.spki_sha256 FROM certificate c WHERE " + c.sql() + ")");
            c.bind(q, 1);
            q.getResultList().forEach(id -> ids.add((String) id));
        }
        List<String> sorted = List.copyOf(ids);
        for (List<String> chunk : chunks(sorted)) {
            var q = em.createNativeQuery("SELECT id FROM device WHERE id IN (" + placeholders(1, chunk.size())
                    + ") ORDER BY id FOR UPDATE");
            for (int i = 0; i < chunk.size(); i++) {
                q.setParameter(1 + i, chunk.get(i));
            }
            q.getResultList();
        }
        return sorted.size();
    }

    /**
     * For a bulk keyCompromise: revokes (keyCompromise) every unexpired certificate that shares a key with a
     * certificate the selection matches and is still revocable, so every key of the batch is compromised
     * (never certified again) and none of its certificates stays good. Returns how many changed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public long revokeLiveOfKeys(BulkSelection selection, Instant revokedAt, long change, String jobId) {
        long changed = 0;
        for (Criterion c : criteria(selection, 6)) {
            var q = em.createNativeQuery("UPDATE certificate SET revoked_at = CASE WHEN status = 'REVOKED' THEN revoked_at"
                    + " ELSE ?1 END, status = 'REVOKED', revocation_reason = ?3, revocation_seq = ?4, revocation_job = ?5"
                    + " WHERE not_after > ?2 AND " + REVOCABLE
                    + " AND spki_sha256 IN (SELECT c.spki_sha256 FROM certificate c WHERE " + c.sql() + ")");
            q.setParameter(1, revokedAt).setParameter(2, revokedAt).setParameter(3, "keyCompromise")
                    .setParameter(4, change).setParameter(5, jobId);
            c.bind(q, 6);
            changed += q.executeUpdate();
        }
        return changed;
    }

    /** One criterion of a bulk selection on table alias c, its parameters numbered from a given first index. */
    private record Criterion(String sql, List<Object> values) {
        void bind(jakarta.persistence.Query q, int first) {
            for (int i = 0; i < values.size(); i++) {
                q.setParameter(first + i, values.get(i));
            }
        }
    }

    private static List<Criterion> criteria(BulkSelection selection, int first) {
        List<Criterion> out = new ArrayList<>();
        for (List<String> chunk : chunks(selection.serials())) {
            out.add(new Criterion("c.serial IN (" + placeholders(first, chunk.size()) + ")", List.copyOf(chunk)));
        }
        for (List<String> chunk : chunks(selection.deviceIds())) {
            out.add(new Criterion("c.device_id IN (" + placeholders(first, chunk.size()) + ")", List.copyOf(chunk)));
        }
        if (selection.stationId() != null) {
            out.add(new Criterion("c.station_id = ?" + first + " AND c.issued_at >= ?" + (first + 1)
                    + " AND c.issued_at < ?" + (first + 2),
                    List.of(selection.stationId(), selection.issuedAfter(), selection.issuedBefore())));
        }
        return out;
    }

    /**
     * Revokes (keyCompromise) every other unexpired certificate of this public key that is unrevoked, held,
     * or revoked for another reason (which becomes keyCompromise, revocation date kept).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<String> revokeLiveOfKey(String spkiSha256, Instant revokedAt, long change) {
        List<String> serials = em.createNativeQuery("SELECT serial FROM certificate WHERE spki_sha256 = ?1 AND"
                        + " not_after > ?2 AND " + REVOCABLE + " ORDER BY serial")
                .setParameter(1, spkiSha256).setParameter(2, revokedAt).setParameter(3, "keyCompromise")
                .getResultList().stream().map(String.class::cast).toList();
        em.createNativeQuery("UPDATE certificate SET revoked_at = CASE WHEN status = 'REVOKED' THEN revoked_at ELSE ?1 END,"
                        + " status = 'REVOKED', revocation_reason = ?3, revocation_seq = ?5 WHERE spki_sha256 = ?4 AND"
                        + " not_after > ?2 AND " + REVOCABLE)
                .setParameter(1, revokedAt).setParameter(2, revokedAt).setParameter(3, "keyCompromise")
                .setParameter(4, spkiSha256).setParameter(5, change).executeUpdate();
        return serials;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void recordJob(RevocationJobRecord job) {
        em.createNativeQuery("INSERT INTO revocation_job (id, requested_by, reason, criteria, status, revoked, created_at,"
                        + " finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .setParameter(1, job.id()).setParameter(2, job.requestedBy()).setParameter(3, job.reason())
                .setParameter(4, job.criteria()).setParameter(5, job.status()).setParameter(6, job.revoked())
                .setParameter(7, job.createdAt()).setParameter(8, job.finishedAt()).executeUpdate();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<RevocationJobRecord> findJob(String id) {
        List<?> rows = em.createNativeQuery("SELECT id, requested_by, reason, criteria, status, revoked, created_at,"
                        + " finished_at FROM revocation_job WHERE id = ?1").setParameter(1, id).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        return Optional.of(new RevocationJobRecord((String) r[0], (String) r[1], (String) r[2], (String) r[3],
                (String) r[4], ((Number) r[5]).longValue(), Sql.instant(r[6]), Sql.instant(r[7])));
    }

    /** Issuer ids of every certificate with this serial (unique per issuer, RFC 5280 §4.1.2.2). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> issuersOfSerial(String serial) {
        return em.createNativeQuery("SELECT issuer_id FROM certificate WHERE serial = ?1 ORDER BY issuer_id")
                .setParameter(1, serial).getResultList().stream().map(String.class::cast).toList();
    }
}
