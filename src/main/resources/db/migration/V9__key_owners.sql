-- Issue 9 item 5: the key-reuse ledger (device_key) covers every certificate FleetCA signs, not
-- only device certificates. A public key belongs to one owner: a device (device_id), a station
-- (its TLS client certificates, station_id) or one of FleetCA's own services (the EST TLS server).
-- A key certified for one owner is never certified for another: a station key never becomes a
-- device's, a device key never a station's, and vice versa.
ALTER TABLE device_key ALTER COLUMN device_id DROP NOT NULL;
ALTER TABLE device_key ADD COLUMN owner_kind VARCHAR(16) NOT NULL DEFAULT 'DEVICE';
ALTER TABLE device_key ADD COLUMN station_id VARCHAR(36) REFERENCES station (id);
ALTER TABLE device_key ADD CONSTRAINT device_key_owner CHECK (
    (owner_kind = 'DEVICE' AND device_id IS NOT NULL AND station_id IS NULL)
    OR (owner_kind = 'STATION' AND device_id IS NULL AND station_id IS NOT NULL)
    OR (owner_kind = 'SERVICE' AND device_id IS NULL AND station_id IS NULL));

-- Keys already certified for stations or services; a key some device already holds stays the device's.
INSERT INTO device_key (spki_sha256, device_id, owner_kind, station_id, created_at)
SELECT spki_sha256, NULL, CASE WHEN station_id IS NULL THEN 'SERVICE' ELSE 'STATION' END, station_id, MIN(reserved_at)
FROM certificate WHERE device_id IS NULL GROUP BY spki_sha256, station_id
ON CONFLICT DO NOTHING;
