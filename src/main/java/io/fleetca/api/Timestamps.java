package io.fleetca.api;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** RFC 3339 timestamps in request bodies and query strings. */
final class Timestamps {
    private Timestamps() {}

    /** Null stays null; anything else must be an RFC 3339 UTC timestamp, or the request names the field. */
    static Instant parse(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    field + " must be an RFC 3339 UTC timestamp such as 2027-01-01T00:00:00Z");
        }
    }
}
