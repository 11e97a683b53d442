package io.fleetca.ra;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Policy settings of the registration authority. */
@ConfigMapping(prefix = "fleetca")
public interface RaConfig {

    Bootstrap bootstrap();

    Enrollment enrollment();

    Certificates certificates();

    /**
     * Certificate policies (RFC 5280 §4.2.1.4) that mark FleetCA's own certificates, so that a broker can
     * tell a station's or a service's certificate from a device's (all come from the same issuing CA with
     * clientAuth/serverAuth). Defaults are under FleetCA's UUID arc 2.25.202818587431876352372434593332656716864
     * (ITU-T X.667 / RFC 4122 §1: an OID anyone may take without registration); device certificates carry none.
     */
    interface Certificates {
        /** Policy OID in every station TLS client certificate (profile station). */
        @WithDefault("2.25.202818587431876352372434593332656716864.1")
        String stationPolicyOid();

        /** Policy OID in every FleetCA service certificate (the EST TLS server certificate, profile tls-server). */
        @WithDefault("2.25.202818587431876352372434593332656716864.2")
        String servicePolicyOid();
    }

    interface Bootstrap {
        /** Create a development root and issuing CA on first start when no CA exists. */
        @WithDefault("false")
        boolean enabled();

        /** Key type of the development CAs: EC_P256, EC_P384, RSA_3072 or RSA_4096. */
        @WithDefault("EC_P256")
        String keyAlgorithm();

        @WithDefault("P7300D")
        Duration rootValidity();

        @WithDefault("P3650D")
        Duration issuingValidity();
    }

    interface Enrollment {
        /** Largest CSR accepted (PEM or DER), in bytes. */
        @WithDefault("16384")
        int maxCsrBytes();

        /** Longest an enrollment code may stay valid (its expiresAt at most this far ahead). */
        @WithDefault("P30D")
        Duration codeMaxValidity();

        /**
         * How long after its notAfter a device certificate may still re-enroll (devices that were offline). Read
         * by auth.DeviceCertificateProvisioner, which decides whether the certificate is still a credential;
         * mapped here because every fleetca.enrollment.* setting is this mapping's (unknown ones stop start-up).
         */
        @WithDefault("P0D")
        Duration renewalAfterExpiry();

        /**
         * How long a certificate superseded by a re-enrollment (or a station certificate by the station's next
         * one) stays valid before it is revoked (superseded), for devices and stations that switch over
         * gradually. PT0S (default): revoked with the new one's issuance.
         */
        @WithDefault("PT0S")
        Duration supersededGrace();

        /** How often certificates whose grace ended are looked for (read by the revocation scheduler). */
        @WithDefault("PT15S")
        Duration supersededCheck();

        /**
         * Enrollments (and renewals) worked on at once by this instance; the others wait their turn. An
         * enrollment is mostly CPU (two signature checks, the HSM's signature, a dozen statements): more at
         * once than a few per core only adds context switches and lock waits. 0: 4 per available processor.
         */
        @WithDefault("0")
        int maxConcurrent();

        /** How long an enrollment waits for its turn before it is refused with 503 busy (Retry-After 1 s). */
        @WithDefault("PT10S")
        Duration queueTimeout();
    }
}
