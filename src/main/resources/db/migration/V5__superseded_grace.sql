-- A certificate superseded by a renewal (EST simplereenroll) is revoked (superseded) once this time
-- has passed (fleetca.enrollment.superseded-grace); null when nothing is scheduled.
ALTER TABLE certificate ADD COLUMN revoke_after TIMESTAMP WITH TIME ZONE;
CREATE INDEX certificate_revoke_after_idx ON certificate (revoke_after);
