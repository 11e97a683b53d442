package io.fleetca.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.time.Instant;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;
import org.junit.jupiter.api.Tag;

/**
 * A station token's claims on any input, validly signed (so that the fuzzer gets past the signature to jose4j's
 * claims parsing and FleetCA's own claim rules, StationTokenClaims): any JSON or none, any types and sizes for
 * iss, sub, aud, iat, exp, nbf, jti and csr_spki_sha256, with or without an expected device id, for an
 * enabled or a disabled station. Only a 401
 * problem may come out; claims that pass must hold what the rules promise.
 */
@Tag("fuzz")
class StationTokenClaimsFuzzTest {

    private static final String STATION = "3f0c6a52-8f0e-4d7e-9a51-2b7c3e9d1a40";
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final EllipticCurveJsonWebKey KEY = key();

    @FuzzTest(maxDuration = "10s")
    void claims(FuzzedDataProvider data) {
        String deviceId = data.consumeBoolean() ? null : data.consumeString(64);
        boolean enabled = data.consumeBoolean();
        String payload = data.consumeRemainingAsString();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
        jws.setKeyIdHeaderValue(STATION);
        jws.setPayload(payload);
        jws.setKey(KEY.getPrivateKey());
        String token;
        try {
            token = jws.getCompactSerialization();
        } catch (JoseException e) {
            return; // the test's own signing refused the payload: nothing of FleetCA's ran
        }
        try {
            StationTokenClaims claims = StationTokenClaims.verify(token, KEY.getPublicKey(), STATION, enabled, "fleetca",
                    NOW, 60, deviceId);
            if (!enabled || claims.jti().isEmpty() || claims.jti().length() > 256 || claims.expires().isBefore(NOW)
                    || deviceId != null && !deviceId.equals(claims.deviceId())) {
                throw new AssertionError("claims accepted against the rules: " + claims);
            }
        } catch (FleetCaException e) {
            if (e.type() != ProblemType.UNAUTHORIZED) {
                throw new AssertionError("a token refused with " + e.type(), e);
            }
        }
    }

    private static EllipticCurveJsonWebKey key() {
        try {
            return EcJwkGenerator.generateJwk(EllipticCurves.P256);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
