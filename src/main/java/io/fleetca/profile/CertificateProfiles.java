package io.fleetca.profile;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The configured profiles by name; invalid profiles stop start-up. */
@ApplicationScoped
public class CertificateProfiles {

    private static final Set<String> KNOWN_EKUS = Set.of("clientAuth", "serverAuth");
    /**
     * Profiles FleetCA defines in code (station TLS client certificates, its EST TLS server certificate) and
     * the ledger name of CA certificates.
     */
    public static final Set<String> RESERVED_NAMES = io.fleetca.common.ReservedProfiles.NAMES;

    private final Map<String, CertificateProfile> byName = new TreeMap<>();

    CertificateProfiles(ProfilesConfig config) {
        config.profiles().forEach((name, p) -> {
            if (!name.matches("[a-z0-9][a-z0-9-]{0,63}")) {
                throw new IllegalStateException("fleetca.profiles." + name + ": a profile name is lowercase letters, digits and '-'");
            }
            if (RESERVED_NAMES.contains(name)) {
                // FleetCA's own profiles: a device certificate must never pass for a station's or the EST server's.
                throw new IllegalStateException("fleetca.profiles." + name + ": the name is reserved for FleetCA's own certificates");
            }
            if (p.validity().isNegative() || p.validity().isZero()) {
                throw new IllegalStateException("fleetca.profiles." + name + ".validity must be positive");
            }
            if (p.rsaMinBits() < 2048 || p.rsaMaxBits() > 8192 || p.rsaMinBits() > p.rsaMaxBits()) {
                throw new IllegalStateException("fleetca.profiles." + name + ": rsa-min-bits/rsa-max-bits must satisfy 2048 <= min <= max <= 8192");
            }
            if (!p.extendedKeyUsages().contains("clientAuth")) {
                // Every device certificate authenticates a TLS client (RFC 5280 §4.2.1.12 id-kp-clientAuth).
                throw new IllegalStateException("fleetca.profiles." + name + ".extended-key-usages must include clientAuth");
            }
            if (p.backdate().isNegative() || p.backdate().compareTo(java.time.Duration.ofDays(1)) > 0) {
                throw new IllegalStateException("fleetca.profiles." + name + ".backdate must be between 0 and one day");
            }
            for (String eku : p.extendedKeyUsages()) {
                if (!KNOWN_EKUS.contains(eku)) {
                    throw new IllegalStateException("fleetca.profiles." + name + ".extended-key-usages: unknown " + eku);
                }
            }
            byName.put(name, new CertificateProfile(name, p.validity(), p.subjectSerialNumber(),
                    p.keyTypes().isEmpty() ? EnumSet.noneOf(DeviceKeyType.class) : EnumSet.copyOf(p.keyTypes()),
                    p.rsaMinBits(), p.rsaMaxBits(), p.issuer(), List.copyOf(p.extendedKeyUsages()), p.backdate(), p.renewalKey()));
        });
    }

    public Optional<CertificateProfile> find(String name) {
        return Optional.ofNullable(name).map(byName::get);
    }

    public Set<String> names() {
        return byName.keySet();
    }
}
