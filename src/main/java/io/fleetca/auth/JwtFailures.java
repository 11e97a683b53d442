package io.fleetca.auth;

import io.fleetca.common.FleetCaException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;

/** Turns a jose4j validation failure into one sentence saying which check failed. */
final class JwtFailures {
    private JwtFailures() {}

    static FleetCaException explain(InvalidJwtException e, String expectedIssuer) {
        if (e.hasExpired()) {
            return Unauthorized.because("the token has expired");
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return Unauthorized.because("the token signature does not verify");
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return Unauthorized.because("the token audience (aud) must contain 'fleetca'");
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return Unauthorized.because("the token issuer (iss) must be " + expectedIssuer);
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID) || e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            return Unauthorized.because("the token is not valid yet (nbf or iat in the future)");
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_TOO_FAR_IN_FUTURE)) {
            return Unauthorized.because("the token lifetime is too long (exp too far in the future)");
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return Unauthorized.because("the token has no exp claim");
        }
        if (e.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)) {
            return Unauthorized.because("the token has no iat claim");
        }
        if (e.hasErrorCode(ErrorCodes.JWT_ID_MISSING)) {
            return Unauthorized.because("the token has no jti claim");
        }
        if (e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
            return Unauthorized.because("the token has no sub claim");
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return Unauthorized.because("the token is not signed with an accepted algorithm");
        }
        if (e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_PAST)) {
            return Unauthorized.because("the token was issued too long ago (iat)");
        }
        if (e.hasErrorCode(ErrorCodes.JSON_INVALID) || e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return Unauthorized.because("the token claims are malformed");
        }
        // Remaining failures: unknown key id, algorithm not permitted, unparsable JWS.
        return Unauthorized.because("the token cannot be verified (unknown key, algorithm not accepted, or malformed JWS)");
    }
}
