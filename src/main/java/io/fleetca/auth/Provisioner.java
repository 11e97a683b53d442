package io.fleetca.auth;

import java.util.Optional;

/**
 * One way into enrollment (step-ca's provisioners are the model): turns a presented credential into an
 * {@link EnrollmentGrant}, or refuses with a 401/403 problem. Implementations: {@link StationTokenProvisioner}
 * (station JWT, REST and EST), {@link StationCertificateProvisioner} (a station's TLS client certificate, EST),
 * {@link EnrollmentCodeProvisioner} (one-time code, EST Basic), {@link DeviceCertificateProvisioner} (a
 * device's current certificate: renewal, EST simplereenroll).
 *
 * <p>As soon as the credential itself verified, the provisioner records who it names in the
 * {@link CallerContext}, so that a refusal after that point (its own or the RA's) is audited under that name;
 * before it, any name in the request is only a claim.
 *
 * @param <C> the credential as the protocol adapter found it
 */
public interface Provisioner<C> {

    /** {@code profileLabel}: the profile the request names (EST label, REST body), if any. */
    EnrollmentGrant authorize(C credential, Optional<String> profileLabel);
}
