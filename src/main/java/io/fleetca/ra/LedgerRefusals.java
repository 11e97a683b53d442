package io.fleetca.ra;

import io.fleetca.ca.IssuanceRequest;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.registry.IssuanceLedger;
import io.fleetca.registry.KeyOwner;
import io.fleetca.registry.ReservationOutcome;
import java.time.Duration;

/**
 * The words for what the ledger decided. The rules themselves are decided once, in the ledger's
 * transactions, under the locks and constraints that make them exact across instances (IssuanceLedger:
 * reserve and recordIssued); nothing in the RA checks them ahead. Each refusal names its backing:
 * <ul>
 *   <li>replayed jti: {@code used_token} primary key;</li>
 *   <li>key reuse: {@code device_key} primary key (spki_sha256), one owner per key;</li>
 *   <li>compromised key: a certificate of the key revoked for keyCompromise or cACompromise (RFC 5280 §5.3.1);</li>
 *   <li>decommissioned device, in-flight twin: the device row, locked ({@code SELECT ... FOR UPDATE});</li>
 *   <li>device id case: {@code device.id_folded} UNIQUE (V10);</li>
 *   <li>revoked issuer: {@code certificate_authority.revoked_at}, read in both transactions.</li>
 * </ul>
 */
final class LedgerRefusals {

    private LedgerRefusals() {}

    /** A reservation that was not made (anything but RESERVED, SERIAL_TAKEN and ALREADY_ISSUED). */
    static FleetCaException reservation(ReservationOutcome outcome, IssuanceRequest request, IssuanceLedger ledger) {
        return switch (outcome) {
            case TOKEN_REPLAYED -> new FleetCaException(ProblemType.UNAUTHORIZED, "the token was already used (replayed jti)");
            case KEY_BOUND_TO_OTHER_DEVICE -> new FleetCaException(ProblemType.KEY_REUSE, "this public key is already"
                    + " certified for " + ledger.keyOwner(request.spkiSha256()).map(KeyOwner::describe).orElse("another owner")
                    + "; use a key of its own");
            case KEY_COMPROMISED -> new FleetCaException(ProblemType.COMPROMISED_KEY,
                    "a certificate for this public key was revoked for keyCompromise; generate a new key");
            case DEVICE_DECOMMISSIONED -> new FleetCaException(ProblemType.DEVICE_DECOMMISSIONED,
                    "device " + request.deviceId() + " is decommissioned");
            case ISSUER_REVOKED -> issuerRevoked(request);
            case DEVICE_ID_CASE_CONFLICT -> new FleetCaException(ProblemType.DEVICE_ID_CASE_CONFLICT, "device id "
                    + request.deviceId() + " differs only in case from the existing device "
                    + ledger.otherCaseOf(request.deviceId()).orElse("(removed meanwhile)"));
            case IN_PROGRESS -> new FleetCaException(ProblemType.CONFLICT,
                    "an identical enrollment for this device and key is being signed; retry in a few seconds",
                    Duration.ofSeconds(2));
            case RESERVED, SERIAL_TAKEN, ALREADY_ISSUED -> throw new IllegalArgumentException(outcome + " is no refusal");
        };
    }

    /** A signed certificate that was not recorded: what changed while the HSM signed. */
    static FleetCaException recording(ReservationOutcome outcome, IssuanceRequest request) {
        return switch (outcome) {
            case ISSUER_REVOKED -> issuerRevoked(request);
            case DEVICE_DECOMMISSIONED -> new FleetCaException(ProblemType.DEVICE_DECOMMISSIONED,
                    "device " + request.deviceId() + " was decommissioned while its certificate was signed");
            case KEY_COMPROMISED -> new FleetCaException(ProblemType.COMPROMISED_KEY,
                    "a certificate for this public key was revoked for keyCompromise while this one was signed;"
                            + " generate a new key");
            default -> throw new IllegalArgumentException(outcome + " is no recording refusal");
        };
    }

    private static FleetCaException issuerRevoked(IssuanceRequest request) {
        return new FleetCaException(ProblemType.CA_REVOKED, "issuing CA " + request.issuer().id()
                + " was revoked; it issues nothing more");
    }
}
