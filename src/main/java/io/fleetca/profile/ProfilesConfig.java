package io.fleetca.profile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Certificate profiles as data: {@code fleetca.profiles.<name>.*}. Two ship by default
 * (application.properties): {@code idevid} and {@code operational}.
 */
@ConfigMapping(prefix = "fleetca.profiles")
public interface ProfilesConfig {

    @WithParentName
    Map<String, Profile> profiles();

    interface Profile {
        /** Certificate lifetime (ISO-8601, e.g. P90D). */
        Duration validity();

        /** Subject: CN = device id, plus serialNumber = device id when true (IEEE 802.1AR DevID style). */
        @WithDefault("false")
        boolean subjectSerialNumber();

        /** Allowed device key types: EC_P256, EC_P384, RSA, ED25519. */
        @WithDefault("EC_P256,EC_P384,RSA")
        List<DeviceKeyType> keyTypes();

        /** Smallest RSA modulus accepted, in bits. */
        @WithDefault("2048")
        int rsaMinBits();

        /** Largest RSA modulus accepted, in bits. */
        @WithDefault("4096")
        int rsaMaxBits();

        /** The issuing CA that signs this profile; defaults to fleetca.default-issuer. */
        Optional<String> issuer();

        /** Extended key usages: clientAuth, serverAuth. */
        @WithDefault("clientAuth")
        List<String> extendedKeyUsages();

        /** Backdating of notBefore to absorb device clock skew. */
        @WithDefault("PT5M")
        Duration backdate();

        /**
         * Which key an EST re-enrollment (RFC 7030 §4.2.2) may use: ANY (default), NEW (a key the
         * current certificate does not hold) or SAME (the current certificate's key).
         */
        @WithDefault("ANY")
        RenewalKey renewalKey();
    }
}
