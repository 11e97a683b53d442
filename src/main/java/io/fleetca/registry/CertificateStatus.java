package io.fleetca.registry;

/**
 * RESERVED: serial taken before signing, no certificate (yet or ever). ISSUED: signed and recorded.
 * REVOKED: issued and then revoked (a certificateHold can return to ISSUED, RFC 5280 §5.3.1).
 */
public enum CertificateStatus { RESERVED, ISSUED, REVOKED }
