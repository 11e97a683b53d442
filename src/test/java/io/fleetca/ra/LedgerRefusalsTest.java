package io.fleetca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fleetca.ca.IssuanceRequest;
import io.fleetca.common.FleetCaException;
import io.fleetca.registry.ReservationOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every decision of the ledger has one wording and one problem type. The rows that need the ledger's
 * details (key owner, other case) are covered against PostgreSQL by the enrollment tests; here, the map.
 */
class LedgerRefusalsTest {

    private static final IssuanceRequest REQUEST = new IssuanceRequest("dev-1", "station-1", null, null, null, "00", false,
            "dev-1", java.util.List.of(), java.util.List.of());

    @ParameterizedTest(name = "reservation {0} -> {1}")
    @CsvSource({
            "TOKEN_REPLAYED, unauthorized",
            "KEY_COMPROMISED, compromised-key",
            "DEVICE_DECOMMISSIONED, device-decommissioned",
            "IN_PROGRESS, conflict",
    })
    void reservationRefusals(ReservationOutcome outcome, String slug) {
        assertEquals(slug, LedgerRefusals.reservation(outcome, REQUEST, null).type().slug());
    }

    @ParameterizedTest(name = "recording {0} -> {1}")
    @CsvSource({
            "DEVICE_DECOMMISSIONED, device-decommissioned",
            "KEY_COMPROMISED, compromised-key",
    })
    void recordingRefusals(ReservationOutcome outcome, String slug) {
        FleetCaException e = LedgerRefusals.recording(outcome, REQUEST);
        assertEquals(slug, e.type().slug());
        assertEquals(true, e.getMessage().contains("while"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = ReservationOutcome.class, names = {"RESERVED", "SERIAL_TAKEN", "ALREADY_ISSUED"})
    void outcomesThatAreNoRefusalAreNeverWordedAsOne(ReservationOutcome outcome) {
        assertThrows(IllegalArgumentException.class, () -> LedgerRefusals.reservation(outcome, REQUEST, null));
    }
}
