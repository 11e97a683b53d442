-- Full-chain revocation (issue 8). Written for PostgreSQL; also runs on H2 (PostgreSQL mode).

-- A CA certificate is a row of its parent's ledger (issuer_id = parent, profile 'ca', no device), so
-- the parent's OCSP responder and CRLs cover it like any certificate. The CA itself records whether it
-- has been revoked: set with the ledger rows of its certificates in one transaction, and read by every
-- issuance (reservation and recording) so that a revoked CA signs nothing more.
ALTER TABLE certificate_authority ADD COLUMN revoked_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE certificate_authority ADD COLUMN revocation_reason VARCHAR(32);

-- OCSP responses produced ahead of time (RFC 6960 §2.5) for the CA certificates a CA issued, signed
-- with the CA's own key during a key ceremony, so that a root whose key is kept offline is still
-- answered for. cert_id is the DER CertID a request must carry exactly; state is the ledger state the
-- response was produced for (status/revocation_seq): once the ledger moves on, the response is stale.
CREATE TABLE ocsp_preproduced (
    ca_id        VARCHAR(64)  NOT NULL REFERENCES certificate_authority (id),
    cert_id_sha256 VARCHAR(64) NOT NULL,
    serial       VARCHAR(42)  NOT NULL,
    state        VARCHAR(64)  NOT NULL,
    this_update  TIMESTAMP WITH TIME ZONE NOT NULL,
    next_update  TIMESTAMP WITH TIME ZONE NOT NULL,
    der          BYTEA        NOT NULL,
    PRIMARY KEY (ca_id, cert_id_sha256)
);
