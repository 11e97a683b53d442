package io.fleetca.registry;

/**
 * Whom a public key (SHA-256 of its SubjectPublicKeyInfo) is certified for, from the key-reuse ledger:
 * one device, one station (its TLS client certificates) or FleetCA's own services (the EST TLS server).
 * A key is certified for its first owner only.
 */
public record KeyOwner(Kind kind, String deviceId, String stationId) {

    public enum Kind { DEVICE, STATION, SERVICE }

    public boolean isDevice(String id) {
        return kind == Kind.DEVICE && id != null && id.equals(deviceId);
    }

    public boolean isStation(String id) {
        return kind == Kind.STATION && id != null && id.equals(stationId);
    }

    /** For refusals: whom the key is already certified for, without naming them. */
    public String describe() {
        return switch (kind) {
            case DEVICE -> "a device";
            case STATION -> "a provisioning station";
            case SERVICE -> "FleetCA's own EST server";
        };
    }
}
