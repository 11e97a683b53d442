package io.fleetca.registry;

import io.fleetca.common.SerialNumber;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The certificate ledger. A serial is reserved, and committed, before the HSM signs
 * (so a signature never exists for a serial the database does not know); the DER is
 * recorded afterwards in the caller's transaction together with its audit event.
 */
@ApplicationScoped
public class IssuanceLedger {

    /** A reservation younger than this without a certificate is taken to be still signing. */
    static final java.time.Duration IN_PROGRESS_WINDOW = java.time.Duration.ofMinutes(2);

    private static final int MAX_SERIAL_ATTEMPTS = 3;

    // The point reads and writes of every enrollment and OCSP answer, by issuer and serial, and the key-compromise
    // check, named so that LedgerIndexesTest holds their plans to an index of the one row (V15): the plan PostgreSQL
    // keeps for a prepared statement is made once per connection, possibly while the ledger was empty.

    /** The reserved row and its issuer's revocation, for the recording. */
    static final String RECORDING_READ = "SELECT c.status, c.device_id, c.station_id, c.profile, c.spki_sha256,"
            + " c.not_before, c.not_after, c.reserved_at, a.revoked_at FROM certificate c"
            + " JOIN certificate_authority a ON a.id = c.issuer_id WHERE c.issuer_id = ? AND c.serial = ?";
    /** The recording itself, guarded by the status: a row that is no longer RESERVED is never overwritten. */
    static final String RECORDING_UPDATE = "UPDATE certificate SET status = 'ISSUED', der = ?, issued_at = ?"
            + " WHERE issuer_id = ? AND serial = ? AND status = 'RESERVED'";
    /** Whether a certificate of the key was revoked for one of {@link #COMPROMISE_REASONS}. */
    static final String KEY_COMPROMISED = "SELECT 1 FROM certificate WHERE spki_sha256 = ? AND status = 'REVOKED'"
            + " AND revocation_reason IN ('keyCompromise', 'cACompromise')";
    /** One certificate's status, for OCSP. */
    static final String STATE = "SELECT status, revoked_at, revocation_reason, revocation_seq FROM certificate"
            + " WHERE issuer_id = ?1 AND serial = ?2";

    private final java.security.SecureRandom random = new java.security.SecureRandom();

    @Inject
    EntityManager em;

    @Inject
    DeviceRepository devices;

    @Inject
    CertificateRepository certificates;

    @Inject
    TokenLedger tokens;

    @Inject
    TransactionSql sql;

    /** A reservation's outcome and, when {@link ReservationOutcome#RESERVED}, the serial reserved. */
    public record Reserved(ReservationOutcome outcome, SerialNumber serial) {}

    /**
     * Reserves a new random serial ({@link SerialNumber#random}: RFC 5280 §4.1.2.2, 127 bits of CSPRNG
     * output) for the reservation {@code forSerial} makes of it, drawing again on the 2^-127 chance that the
     * issuer already used it. The outcome of the last attempt otherwise.
     */
    public Reserved reserveNewSerial(java.util.function.Function<SerialNumber, SerialReservation> forSerial, Instant now) {
        for (int attempt = 0; attempt < MAX_SERIAL_ATTEMPTS; attempt++) {
            SerialNumber serial = SerialNumber.random(random);
            ReservationOutcome outcome = reserve(forSerial.apply(serial), now);
            if (outcome != ReservationOutcome.SERIAL_TAKEN) {
                return new Reserved(outcome, outcome == ReservationOutcome.RESERVED ? serial : null);
            }
        }
        throw new IllegalStateException("could not reserve a unique serial");
    }

    /**
     * In its own transaction: creates the device if new, binds the public key to it, and
     * reserves the serial. Commits only when the outcome is {@link ReservationOutcome#RESERVED};
     * any other outcome leaves the database unchanged.
     */
    ReservationOutcome reserve(SerialReservation r, Instant now) {
        try {
            return QuarkusTransaction.requiringNew().call(() -> {
                ReservationOutcome outcome = reserveInTransaction(r, now);
                if (outcome != ReservationOutcome.RESERVED) {
                    throw new NotReserved(outcome); // rolls the device and key rows back
                }
                return outcome;
            });
        } catch (NotReserved e) {
            return e.outcome;
        }
    }

    /** Carries a refusal out of the transaction so that it rolls back. */
    private static final class NotReserved extends RuntimeException {
        private final ReservationOutcome outcome;

        NotReserved(ReservationOutcome outcome) {
            super(outcome.name(), null, false, false);
            this.outcome = outcome;
        }
    }

    private ReservationOutcome reserveInTransaction(SerialReservation r, Instant now) {
        // First: a replayed token learns nothing else (and waits only on its twin, not on the device row).
        if (r.token() != null && !tokens.consumeInTransaction(r.token(), now)) {
            return ReservationOutcome.TOKEN_REPLAYED;
        }
        if (issuerRevoked(r.issuerId())) {
            return ReservationOutcome.ISSUER_REVOKED;
        }
        if (r.deviceId() == null) {
            return reserveForNoDevice(r, now);
        }
        // Nothing is inserted when the id, or the id ignoring case (device_id_folded_key), exists.
        sql.update("INSERT INTO device (id, id_folded, status, station_id, created_at, updated_at)"
                + " VALUES (?, ?, 'ACTIVE', ?, ?, ?) ON CONFLICT DO NOTHING",
                r.deviceId(), DeviceRegistry.fold(r.deviceId()), r.stationId(), now, now);
        // Lock the device row: enrollments of one device are serialized, so the checks below cannot race.
        List<Object[]> statuses = sql.rows("SELECT status FROM device WHERE id = ? FOR UPDATE", r.deviceId());
        if (statuses.isEmpty()) {
            return ReservationOutcome.DEVICE_ID_CASE_CONFLICT; // another device holds this id in another case
        }
        if (DeviceStatus.valueOf((String) statuses.get(0)[0]) == DeviceStatus.DECOMMISSIONED) {
            return ReservationOutcome.DEVICE_DECOMMISSIONED;
        }
        // Every certificate of this key, in one read (the spki index; a key has a few at most): those of this
        // device and profile decide a retry or a race, any revoked for key compromise refuses the key.
        boolean compromised = false;
        for (Object[] c : sql.rows("SELECT device_id, profile, status, not_before, not_after, reserved_at,"
                + " revocation_reason FROM certificate WHERE spki_sha256 = ?", r.spkiSha256())) {
            String status = (String) c[2];
            compromised |= CertificateStatus.REVOKED.name().equals(status) && c[6] != null
                    && COMPROMISE_REASONS.contains((String) c[6]);
            if (!r.deviceId().equals(c[0]) || !r.profile().equals(c[1])) {
                continue;
            }
            if (!r.renewal() && CertificateStatus.ISSUED.name().equals(status)
                    && !now.isBefore(Sql.instant(c[3])) && now.isBefore(Sql.instant(c[4]))) {
                return ReservationOutcome.ALREADY_ISSUED;
            }
            if (CertificateStatus.RESERVED.name().equals(status) && Sql.instant(c[5]).isAfter(now.minus(IN_PROGRESS_WINDOW))) {
                return ReservationOutcome.IN_PROGRESS;
            }
        }
        // A key whose certificate was revoked for keyCompromise is never certified again (RFC 5280 §5.3.1).
        if (compromised) {
            return ReservationOutcome.KEY_COMPROMISED;
        }
        sql.update("INSERT INTO device_key (spki_sha256, device_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                r.spkiSha256(), r.deviceId(), now);
        List<Object[]> owner = sql.rows("SELECT device_id FROM device_key WHERE spki_sha256 = ?", r.spkiSha256());
        if (owner.isEmpty() || !r.deviceId().equals(owner.get(0)[0])) {
            return ReservationOutcome.KEY_BOUND_TO_OTHER_DEVICE;
        }
        return insertReserved(r, now);
    }

    /**
     * A certificate of no device: a station's (stationId set) or FleetCA's own (its EST server's, or a CA
     * certificate signed by its parent: both kind SERVICE, FleetCA's keys). Its key is bound
     * to that owner in the key-reuse ledger, as a device key is to its device, so it is never certified
     * for a device, another station or a service (nor, once compromised, again).
     */
    private ReservationOutcome reserveForNoDevice(SerialReservation r, Instant now) {
        KeyOwner.Kind kind = r.stationId() == null ? KeyOwner.Kind.SERVICE : KeyOwner.Kind.STATION;
        em.createNativeQuery("INSERT INTO device_key (spki_sha256, device_id, owner_kind, station_id, created_at)"
                        + " VALUES (?1, NULL, ?2, ?3, ?4) ON CONFLICT DO NOTHING")
                .setParameter(1, r.spkiSha256()).setParameter(2, kind.name()).setParameter(3, r.stationId())
                .setParameter(4, now).executeUpdate();
        KeyOwner owner = keyOwner(r.spkiSha256()).orElseThrow();
        boolean same = kind == KeyOwner.Kind.SERVICE ? owner.kind() == KeyOwner.Kind.SERVICE : owner.isStation(r.stationId());
        if (!same) {
            return ReservationOutcome.KEY_BOUND_TO_OTHER_DEVICE;
        }
        if (compromised(r.spkiSha256())) {
            return ReservationOutcome.KEY_COMPROMISED;
        }
        return insertReserved(r, now);
    }

    private ReservationOutcome insertReserved(SerialReservation r, Instant now) {
        int inserted = sql.update("INSERT INTO certificate (issuer_id, serial, status, device_id, station_id,"
                        + " profile, spki_sha256, not_before, not_after, reserved_at)"
                        + " VALUES (?, ?, 'RESERVED', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                r.issuerId(), r.serial(), r.deviceId(), r.stationId(), r.profile(), r.spkiSha256(), r.notBefore(),
                r.notAfter(), now);
        return inserted == 1 ? ReservationOutcome.RESERVED : ReservationOutcome.SERIAL_TAKEN;
    }

    /** RFC 5280 §5.3.1: keyCompromise, and cACompromise for a CA's key, mean the private key is known to others. */
    private static final java.util.Set<String> COMPROMISE_REASONS = java.util.Set.of("keyCompromise", "cACompromise");

    /** Whether a certificate of the key was revoked for one of {@link #COMPROMISE_REASONS}. */
    private boolean compromised(String spkiSha256) {
        return sql.exists(KEY_COMPROMISED, spkiSha256);
    }

    /**
     * Whether the CA's certificates were revoked (CaLedger#revoke sets it). A plain read, in the reservation
     * and again in the recording transaction: a revocation committed before the record commits is seen, and
     * one committed after it orders the certificate before the revocation, which revokes it with its CA.
     */
    private boolean issuerRevoked(String issuerId) {
        return sql.exists("SELECT 1 FROM certificate_authority WHERE id = ? AND revoked_at IS NOT NULL", issuerId);
    }

    /** What {@link #recordIssued} did: the record, or (null record) why nothing was recorded. */
    public record Recorded(CertificateRecord record, ReservationOutcome refusal) {
        static Recorded refused(ReservationOutcome why) {
            return new Recorded(null, why);
        }
    }

    /**
     * Records the signed certificate for a reserved serial; part of the caller's transaction. Nothing is
     * recorded, and the refusal says why, when while the certificate was being signed the issuing CA was
     * revoked ({@link ReservationOutcome#ISSUER_REVOKED}), the device decommissioned
     * ({@link ReservationOutcome#DEVICE_DECOMMISSIONED}) or the key revoked for key compromise
     * ({@link ReservationOutcome#KEY_COMPROMISED}): the device row is locked here as decommissioning locks
     * it, so one of the two sees the other. The caller rolls back on a refusal: the certificate never leaves.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Recorded recordIssued(String issuerId, String serial, byte[] der, Instant now) {
        // The reserved row and its issuer's revocation in one plain read (see issuerRevoked).
        List<Object[]> rows = sql.rows(RECORDING_READ, issuerId, serial);
        if (rows.isEmpty()) {
            throw new IllegalStateException("serial " + serial + " is not reserved");
        }
        Object[] c = rows.get(0);
        if (c[8] != null) {
            return Recorded.refused(ReservationOutcome.ISSUER_REVOKED);
        }
        String deviceId = (String) c[1];
        String spkiSha256 = (String) c[4];
        if (deviceId != null) {
            List<Object[]> device = sql.rows("SELECT status FROM device WHERE id = ? FOR UPDATE", deviceId);
            if (DeviceStatus.valueOf((String) device.get(0)[0]) == DeviceStatus.DECOMMISSIONED) {
                return Recorded.refused(ReservationOutcome.DEVICE_DECOMMISSIONED);
            }
        }
        if (compromised(spkiSha256)) {
            return Recorded.refused(ReservationOutcome.KEY_COMPROMISED);
        }
        if (!CertificateStatus.RESERVED.name().equals(c[0]) || sql.update(RECORDING_UPDATE, der, now, issuerId, serial) != 1) {
            throw new IllegalStateException("serial " + serial + " is not reserved");
        }
        return new Recorded(new CertificateRecord(issuerId, serial, CertificateStatus.ISSUED, deviceId, (String) c[2],
                (String) c[3], spkiSha256, Sql.instant(c[5]), Sql.instant(c[6]), der, Sql.instant(c[7]), now,
                null, null, null, null), null);
    }

    /** Status of one certificate by issuer and serial, without its DER: the OCSP hot path. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public java.util.Optional<CertificateState> state(String issuerId, String serial) {
        List<?> rows = em.createNativeQuery(STATE).setParameter(1, issuerId).setParameter(2, serial).getResultList();
        if (rows.isEmpty()) {
            return java.util.Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        return java.util.Optional.of(new CertificateState(CertificateStatus.valueOf((String) r[0]), Sql.instant(r[1]),
                (String) r[2], r[3] == null ? 0 : ((Number) r[3]).longValue()));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CertificateRecord> findBySerial(String serial) {
        return certificates.list("serial = ?1 order by id", serial).stream().map(CertificateEntity::toRecord).toList();
    }

    /**
     * The device whose id equals {@code deviceId} ignoring case but not exactly, if any: device ids are
     * unique ignoring case (brokers often compare names case-insensitively), see V10.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<String> otherCaseOf(String deviceId) {
        return em.createNativeQuery("SELECT id FROM device WHERE id_folded = ?1 AND id <> ?2")
                .setParameter(1, DeviceRegistry.fold(deviceId)).setParameter(2, deviceId).getResultList().stream()
                .map(String.class::cast).findFirst();
    }

    /** The owner (device, station or service) a public key (SHA-256 of its SubjectPublicKeyInfo) is bound to, if any. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public java.util.Optional<KeyOwner> keyOwner(String spkiSha256) {
        List<?> rows = em.createNativeQuery("SELECT owner_kind, device_id, station_id FROM device_key WHERE spki_sha256 = ?1")
                .setParameter(1, spkiSha256).getResultList();
        if (rows.isEmpty()) {
            return java.util.Optional.empty();
        }
        Object[] r = (Object[]) rows.get(0);
        return java.util.Optional.of(new KeyOwner(KeyOwner.Kind.valueOf((String) r[0]), (String) r[1], (String) r[2]));
    }

    /** Issued certificates for this key, device and profile, newest first. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<CertificateRecord> issuedFor(String deviceId, String spkiSha256, String profile) {
        return certificates.list("deviceId = ?1 and spkiSha256 = ?2 and profile = ?3 and status = 'ISSUED'"
                        + " order by notAfter desc", deviceId, spkiSha256, profile)
                .stream().map(CertificateEntity::toRecord).toList();
    }
}
