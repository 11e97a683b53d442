package io.fleetca.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;

/**
 * The parts of JWT handling FleetCA writes itself, on any input: the Authorization header's Bearer framing and
 * the unverified protected header (alg, kid) read to choose the key and refuse alg none and HMAC (RFC 8725
 * §3.1-3.2). Only a 401 problem may come out. The signature and claims are jose4j's, configured in
 * StationTokenClaims (fuzzed in StationTokenClaimsFuzzTest) and AdminTokenVerifier, and attacked over HTTP in
 * TokenAttackTest.
 */
@Tag("fuzz")
class TokenFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void bearerAndHeader(FuzzedDataProvider data) {
        String header = data.consumeString(4096);
        String rest = data.consumeRemainingAsString();
        try {
            String token = BearerToken.from(header + rest);
            TokenHeader parsed = TokenHeader.parse(token);
            parsed.refuseUnsafeAlgorithms();
        } catch (FleetCaException e) {
            if (e.type() != ProblemType.UNAUTHORIZED) {
                throw new AssertionError("a token refused with " + e.type(), e);
            }
        }
        try {
            TokenHeader.parse(rest).refuseUnsafeAlgorithms();
        } catch (FleetCaException e) {
            if (e.type() != ProblemType.UNAUTHORIZED) {
                throw new AssertionError("a token refused with " + e.type(), e);
            }
        }
    }
}
