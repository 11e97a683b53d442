-- Serials reserved and never issued (the HSM signed nothing, or the process died or the recording was refused
-- after it signed): listed by GET /api/v1/certificates/reserved and counted by the metric
-- fleetca_certificates_reserved_unissued (registry.ReservedSerials). Portable (H2 has no partial indexes).
CREATE INDEX certificate_status_reserved_at_idx ON certificate (status, reserved_at);
