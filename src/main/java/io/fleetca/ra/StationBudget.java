package io.fleetca.ra;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.registry.RateAllotments;
import io.fleetca.registry.StationRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * A station's hourly enrollment budget ({@code maxEnrollmentsPerHour}) around one issuance: every certificate a
 * station's credential, or one of its devices, gets counts against it (each is an HSM signature). The unit is
 * taken last, just before the issuance, and given back when no new certificate results (a refusal, an HSM
 * outage, an idempotent retry), so those never use up a station's hour. The counting across instances is
 * {@link RateAllotments}'.
 */
@ApplicationScoped
class StationBudget {

    @Inject
    RateAllotments rates;

    @Inject
    Clock clock;

    /**
     * Runs {@code issuance} charged to {@code station}; {@code whose} names the budget in the refusal
     * ("station line-7", "the station of device sensor-1").
     */
    EnrollmentResult charged(StationRecord station, String whose, Supplier<EnrollmentResult> issuance) {
        Instant now = clock.instant();
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        if (!rates.tryTake(station.id(), hour, station.maxEnrollmentsPerHour())) {
            throw new FleetCaException(ProblemType.RATE_LIMITED, whose + " has used its " + station.maxEnrollmentsPerHour()
                    + " enrollments for this hour", Duration.between(now, hour.plus(Duration.ofHours(1))));
        }
        EnrollmentResult issued;
        try {
            issued = issuance.get();
        } catch (RuntimeException e) {
            rates.giveBack(station.id(), hour);
            throw e;
        }
        if (!issued.created()) {
            rates.giveBack(station.id(), hour);
        }
        return issued;
    }
}
