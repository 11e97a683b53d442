package io.fleetca.auth;

import io.fleetca.registry.OneTimeToken;
import io.fleetca.registry.StationRecord;

/**
 * Who is calling, after the credential was verified. {@code id} is the JWT subject (admins) or the
 * station id; {@code station} is the station's record as read during verification (null for operators),
 * so the enrollment does not read it again. {@code csrKeyBinding} is a station token's
 * {@code csr_spki_sha256} claim (base64url SHA-256 of the SubjectPublicKeyInfo the token may certify),
 * null when the token carries none. {@code tokenToUse}: a station token verified for an enrollment, whose
 * jti the RA uses up in the transaction that reserves the serial (null when already used up, or no token).
 */
public record Caller(Role role, String id, StationRecord station, String csrKeyBinding, OneTimeToken tokenToUse) {

    /** The claim binding a station token to the CSR's key (see StationTokenVerifier). */
    public static final String KEY_BINDING_CLAIM = "csr_spki_sha256";

    static Caller operator(Role role, String subject) {
        return new Caller(role, subject, null, null, null);
    }

    public enum Role { ADMIN, AUDITOR, STATION }

    /** How the caller appears in audit events. */
    public String actor() {
        String who = id.length() > 128 ? id.substring(0, 128) + "..." : id;
        return role.name().toLowerCase(java.util.Locale.ROOT) + ":" + who;
    }
}
