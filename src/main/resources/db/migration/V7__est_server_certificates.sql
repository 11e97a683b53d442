-- EST TLS server certificates and the FleetCA instance whose in-memory key each one certifies (issue 9,
-- item 2). An instance revokes (superseded) its earlier ones when it renews and, at start-up, those of
-- its previous run, whose keys died with that process; other instances' certificates are left alone.
CREATE TABLE est_server_certificate (
    issuer_id  VARCHAR(64)  NOT NULL,
    serial     VARCHAR(42)  NOT NULL,
    instance   VARCHAR(128) NOT NULL,
    PRIMARY KEY (issuer_id, serial),
    CONSTRAINT est_server_certificate_of FOREIGN KEY (issuer_id, serial) REFERENCES certificate (issuer_id, serial)
);
CREATE INDEX est_server_certificate_instance_idx ON est_server_certificate (instance);
