package io.fleetca.registry;

/** Result of {@link IssuanceLedger#reserve}: only RESERVED committed anything. */
public enum ReservationOutcome { RESERVED, SERIAL_TAKEN, KEY_BOUND_TO_OTHER_DEVICE, DEVICE_DECOMMISSIONED }
