package io.fleetca.auth;

/** Who is calling, after the credential was verified. {@code id} is the JWT subject (admins) or the station id. */
public record Caller(Role role, String id) {

    public enum Role { ADMIN, AUDITOR, STATION }

    /** How the caller appears in audit events. */
    public String actor() {
        return role.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
    }
}
