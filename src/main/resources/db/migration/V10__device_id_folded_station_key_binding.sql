-- Device ids are unique ignoring case: brokers and ACLs often compare names case-insensitively, so
-- SENSOR-0001 must not become a second identity next to sensor-0001 (decommissioned or not).
-- id_folded is lower(id), set by the registry on insert (ids are ASCII, see Text.isDeviceId); a plain
-- UNIQUE column rather than an expression index, which H2's PostgreSQL mode does not support.
ALTER TABLE device ADD COLUMN id_folded VARCHAR(128);
-- Back-fill. Ids that already differ only in case are kept: the oldest of them holds the folded id,
-- the others keep NULL (UNIQUE allows many NULLs) and stay enrollable under their exact id.
UPDATE device SET id_folded = LOWER(id) WHERE NOT EXISTS (
    SELECT 1 FROM device older WHERE LOWER(older.id) = LOWER(device.id)
      AND (older.created_at < device.created_at OR (older.created_at = device.created_at AND older.id < device.id)));
ALTER TABLE device ADD CONSTRAINT device_id_folded_key UNIQUE (id_folded);

-- A station registered with requireKeyBinding accepts only enrollment tokens that bind the CSR's key
-- (claim csr_spki_sha256), so a token seen in transit cannot be redeemed with another key.
ALTER TABLE station ADD COLUMN require_key_binding BOOLEAN NOT NULL DEFAULT FALSE;
