package io.fleetca.profile;

/** Device key types a profile may allow. */
public enum DeviceKeyType { EC_P256, EC_P384, RSA, ED25519 }
