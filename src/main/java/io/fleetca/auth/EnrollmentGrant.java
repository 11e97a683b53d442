package io.fleetca.auth;

import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.EnrollmentCodeRecord;
import io.fleetca.registry.OneTimeToken;
import io.fleetca.registry.StationRecord;
import java.util.List;
import java.util.Objects;

/**
 * What one verified credential allows an enrollment: the RA's issuance pipeline works from this alone and
 * never looks at how it was proven (step-ca's provisioners hand their sign options to the authority the
 * same way). A {@link Provisioner} makes it, one per way in.
 *
 * @param actor              who asks, as audit events name them ({@code station:<id>}, {@code device:<id>})
 * @param station            the station the certificate counts for
 * @param deviceId           the device; null when the CSR's subject names it (a station's TLS certificate)
 * @param profiles           the profiles it may get; the first when the request names none
 * @param stationScope       whether the station's device-id pattern applies (not to an admin's code, nor to a
 *                           renewal of a certificate the station once got)
 * @param stationAccountable whether the station answers for it: counted against its hourly budget, and the
 *                           station must still be enabled when the certificate is recorded (false for an
 *                           admin's enrollment code)
 * @param token              a station token's jti, used up with the serial's reservation (null: no token)
 * @param keyBinding         a station token's rule on the CSR's key (null: no token)
 * @param code               an enrollment code, used up in the recording transaction (null: none)
 * @param renews             the certificate the new one succeeds: a renewal, which supersedes it (null: none)
 */
public record EnrollmentGrant(String actor, StationRecord station, String deviceId, List<String> profiles,
                              boolean stationScope, boolean stationAccountable, OneTimeToken token,
                              KeyBinding keyBinding, EnrollmentCodeRecord code, CertificateRecord renews) {

    public EnrollmentGrant {
        Objects.requireNonNull(actor);
        Objects.requireNonNull(station);
        profiles = List.copyOf(profiles);
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("a grant names at least one profile");
        }
        if ((token == null) != (keyBinding == null)) {
            throw new IllegalArgumentException("a station token comes with its key binding rule, and only one");
        }
    }

    /**
     * A station token's {@code csr_spki_sha256} claim (base64url SHA-256 of the SubjectPublicKeyInfo it may
     * certify; null when it has none), and whether the station accepts only bound tokens (requireKeyBinding).
     */
    public record KeyBinding(String spkiSha256, boolean required) {}
}
