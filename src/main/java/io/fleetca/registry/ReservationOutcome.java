package io.fleetca.registry;

/**
 * What the ledger decided on a reservation ({@link IssuanceLedger#reserveNewSerial}: only RESERVED committed
 * anything) or a recording ({@link IssuanceLedger#recordIssued}: ISSUER_REVOKED, DEVICE_DECOMMISSIONED or
 * KEY_COMPROMISED, found while the HSM signed). The ledger is where these rules are decided, under the row
 * locks and constraints that make them exact; ra.LedgerRefusals words them for the caller.
 */
public enum ReservationOutcome {
    RESERVED, SERIAL_TAKEN,
    /** The station token's jti was used by a reservation that committed before (a replay). */
    TOKEN_REPLAYED,
    /** The key is bound to another owner (device, station or service) in the key-reuse ledger. */
    KEY_BOUND_TO_OTHER_DEVICE,
    KEY_COMPROMISED, DEVICE_DECOMMISSIONED,
    /** A valid certificate for the same device, key and profile exists (a retry raced its original). */
    ALREADY_ISSUED,
    /** The same device, key and profile is being signed right now by another request. */
    IN_PROGRESS,
    /** The issuing CA's certificates were revoked: it issues nothing more. */
    ISSUER_REVOKED,
    /** Another device has this id in another case (device ids are unique ignoring case). */
    DEVICE_ID_CASE_CONFLICT
}
