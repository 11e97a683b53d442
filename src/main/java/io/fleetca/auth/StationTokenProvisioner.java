package io.fleetca.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Enrollment with a one-time token signed by a registered, enabled station (REST, and EST with
 * {@code Authorization: Bearer}). The station's scope applies: its profiles and its device-id pattern. The
 * token's jti is not used up here: the grant carries it to the reservation, which uses it up in the
 * transaction that reserves the serial (one commit less per enrollment; a token refused for its CSR stays
 * usable until it expires). Verification rules: {@link StationTokenVerifier}.
 */
@ApplicationScoped
public class StationTokenProvisioner implements Provisioner<StationTokenProvisioner.Presented> {

    /** {@code authorization}: the header; {@code deviceId}: the device the URL names, null to take the token's sub (EST). */
    public record Presented(String authorization, String deviceId) {}

    @Inject
    StationTokenVerifier tokens;

    @Inject
    CallerContext context;

    @Override
    public EnrollmentGrant authorize(Presented presented, Optional<String> profileLabel) {
        StationTokenVerifier.Verified v = tokens.verified(BearerToken.from(presented.authorization()),
                presented.deviceId(), StationTokenVerifier.Use.WITH_RESERVATION);
        Caller caller = v.caller();
        context.set(caller);
        return new EnrollmentGrant(caller.actor(), caller.station(), v.deviceId(), caller.station().profiles(), true, true,
                caller.tokenToUse(), new EnrollmentGrant.KeyBinding(caller.csrKeyBinding(),
                        caller.station().requireKeyBinding()), null, null);
    }
}
