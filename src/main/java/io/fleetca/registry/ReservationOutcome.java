package io.fleetca.registry;

/** Result of {@link IssuanceLedger#reserve}: only RESERVED committed anything. */
public enum ReservationOutcome {
    RESERVED, SERIAL_TAKEN, KEY_BOUND_TO_OTHER_DEVICE, KEY_COMPROMISED, DEVICE_DECOMMISSIONED,
    /** A valid certificate for the same device, key and profile exists (a retry raced its original). */
    ALREADY_ISSUED,
    /** The same device, key and profile is being signed right now by another request. */
    IN_PROGRESS,
    /** Another device has this id in another case (device ids are unique ignoring case). */
    DEVICE_ID_CASE_CONFLICT
}
