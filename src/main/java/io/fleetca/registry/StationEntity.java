package io.fleetca.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

@Entity
@Table(name = "station")
class StationEntity {
    @Id
    String id;
    String name;
    @Column(name = "public_jwk")
    String publicJwk;
    /** Allowed profile names, comma-separated (profile names cannot contain commas). */
    String profiles;
    @Column(name = "device_id_pattern")
    String deviceIdPattern;
    @Column(name = "max_enrollments_per_hour")
    int maxEnrollmentsPerHour;
    boolean enabled;
    @Column(name = "created_at")
    Instant createdAt;
    @Column(name = "disabled_at")
    Instant disabledAt;
    @Column(name = "require_key_binding")
    boolean requireKeyBinding;

    StationRecord toRecord() {
        return new StationRecord(id, name, publicJwk, profileList(profiles), deviceIdPattern, maxEnrollmentsPerHour,
                enabled, createdAt, disabledAt, requireKeyBinding);
    }

    /** The profiles column's names, in order. */
    static List<String> profileList(String profiles) {
        return profiles.isEmpty() ? List.of() : List.copyOf(Arrays.asList(profiles.split(",")));
    }
}
