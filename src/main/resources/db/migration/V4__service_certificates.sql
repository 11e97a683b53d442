-- Certificates that belong to no device (issue 4): FleetCA's own EST TLS server certificate now,
-- station TLS client certificates later. They are in the same ledger (serial reserved before
-- signing, covered by OCSP and CRLs); device_id and station_id are empty where they do not apply.
ALTER TABLE certificate ALTER COLUMN device_id DROP NOT NULL;
ALTER TABLE certificate ALTER COLUMN station_id DROP NOT NULL;
