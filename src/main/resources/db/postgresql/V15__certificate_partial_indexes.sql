-- PostgreSQL only (H2, the development default, has no partial indexes). Four certificate indexes serve
-- rows that are rare (revoked, reserved, superseded) but held an entry for every certificate:
--
-- 1. Every entry of (issuer_id, revocation_seq) and (issuer_id, status) starts with the issuer, so both
--    matched "issuer_id = $1" alone. A generic plan (the driver prepares each enrollment statement on the
--    server) made while the table was empty, when every index costs the same, picked one of them for the
--    point lookup "issuer_id = $1 AND serial = $2" and kept it: each enrollment's recording then walked
--    every certificate of the issuer (1.7 ms of PostgreSQL per enrollment at 24,000 certificates, growing
--    with the ledger; auto_explain, 2026-12-07). As partial indexes they match only queries that imply
--    their predicate, so the indexes keyed on the serial are the ones left for a point lookup.
-- 2. MAX(revocation_seq) per issuer (RevocationLedger.lastChangeOf) walked past every NULL entry of the
--    issuer; on the partial index it is one probe.
-- 3. Each reservation and each RESERVED -> ISSUED update wrote an entry in all four; now the reservation writes
--    one (reserved) and the update none.
--
-- Every query that used them implies the predicate: the CRL read ((revoked_at IS NOT NULL AND status = 'REVOKED')
-- OR revocation_seq > ?), the revocation feed and clock (revocation_seq > ?, revocation_seq IS NOT NULL), reserved
-- serials (status = 'RESERVED' AND reserved_at < ?), superseded certificates due (revoke_after <= ?).
-- The revoked rows are found by revoked_at, set by every revocation and kept by a release (CRL entries repeat
-- it), not by status: the key-compromise check of every enrollment says status = 'REVOKED' and, without
-- statistics, would take an index of status = 'REVOKED' for a scan of every revoked certificate.
-- None of the enrollment's statements implies revoked_at or revocation_seq IS NOT NULL; the recording's
-- guard (status = 'RESERVED') implies the reserved index's predicate, which holds only the serials being
-- signed and those never issued, as (issuer_id, status) did.
DROP INDEX certificate_issuer_revocation_seq_idx;
CREATE INDEX certificate_issuer_revocation_seq_idx ON certificate (issuer_id, revocation_seq)
    WHERE revocation_seq IS NOT NULL;
DROP INDEX certificate_issuer_status_idx;
CREATE INDEX certificate_issuer_revoked_idx ON certificate (issuer_id) WHERE revoked_at IS NOT NULL;
DROP INDEX certificate_status_reserved_at_idx;
CREATE INDEX certificate_reserved_at_idx ON certificate (reserved_at) WHERE status = 'RESERVED';
DROP INDEX certificate_revoke_after_idx;
CREATE INDEX certificate_revoke_after_idx ON certificate (revoke_after) WHERE revoke_after IS NOT NULL;

-- The CRL read finds revoked rows through revoked_at (above), so a revoked row without it would be missing from
-- every CRL. Every revocation has set it since V2; from here the database refuses a row that breaks that, and
-- validating the constraint stops this migration, and FleetCA's start, on a ledger that already holds one.
ALTER TABLE certificate ADD CONSTRAINT certificate_revoked_has_time CHECK (status <> 'REVOKED' OR revoked_at IS NOT NULL);
