package io.fleetca.registry;

/** RESERVED: serial taken before signing, no certificate (yet or ever). ISSUED: signed and recorded. */
public enum CertificateStatus { RESERVED, ISSUED }
