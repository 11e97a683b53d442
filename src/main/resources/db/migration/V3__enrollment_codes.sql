-- One-time enrollment codes (issue 4): an admin grants a device one certificate of one profile,
-- redeemed over EST with HTTP Basic (username = device id, password = the code). Only the code's
-- SHA-256 is stored (the code carries 192 random bits, so a plain hash cannot be reversed).
CREATE TABLE enrollment_code (
    code_sha256  VARCHAR(64)  PRIMARY KEY,
    device_id    VARCHAR(128) NOT NULL REFERENCES device (id),
    profile      VARCHAR(64)  NOT NULL,
    created_by   VARCHAR(256) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at      TIMESTAMP WITH TIME ZONE,
    used_serial  VARCHAR(42)
);
CREATE INDEX enrollment_code_device_idx ON enrollment_code (device_id);
