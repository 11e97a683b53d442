-- PostgreSQL only (this folder is a Flyway location in every profile but %dev, which runs on H2; see
-- application.properties). A CRL is DER of random serials and signatures: pglz gains a few percent on it
-- at the cost of compressing 49 MiB on every insert and decompressing it on every read. EXTERNAL keeps
-- the value out of line (TOAST) but uncompressed, so it is written as is and read back in slices
-- (substring reads only the TOAST chunks it needs). Applies to CRLs stored from now on.
ALTER TABLE crl ALTER COLUMN der SET STORAGE EXTERNAL;
