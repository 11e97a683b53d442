package io.fleetca.auth;

/** Who is calling, after the credential was verified. {@code id} is the JWT subject (admins) or the station id. */
public record Caller(Role role, String id) {

    public enum Role { ADMIN, AUDITOR, STATION }

    /** How the caller appears in audit events. */
    public String actor() {
        String who = id.length() > 128 ? id.substring(0, 128) + "..." : id;
        return role.name().toLowerCase(java.util.Locale.ROOT) + ":" + who;
    }
}
