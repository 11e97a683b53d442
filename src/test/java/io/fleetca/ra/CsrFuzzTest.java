package io.fleetca.ra;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import io.fleetca.common.FleetCaException;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.profile.RenewalKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Whatever bytes a station sends as a CSR (REST: PEM or base64 DER text; EST: base64 DER), the RA's front
 * door answers with a FleetCaException (a 4xx) or accepts: decoding, proof of possession, the key policy and
 * the subject's device id. Any other exception is a crash (a 500 to the caller) and fails the test. Seeds:
 * src/test/resources/io/fleetca/ra/CsrFuzzTestInputs/csr.
 */
@Tag("fuzz")
class CsrFuzzTest {

    private static final CertificateProfile ANY = new CertificateProfile("p", Duration.ofDays(1), true,
            Set.of(DeviceKeyType.EC_P256, DeviceKeyType.EC_P384, DeviceKeyType.RSA, DeviceKeyType.ED25519), 2048, 4096,
            Optional.empty(), List.of("clientAuth"), Duration.ZERO, RenewalKey.ANY);

    @FuzzTest(maxDuration = "10s")
    void csr(byte[] data) {
        attempt(() -> CsrDecoder.decode(data, 16_384));
        attempt(() -> CsrDecoder.decode(Base64.getEncoder().encodeToString(data), 16_384));
        attempt(() -> CsrDecoder.decode(new String(data, StandardCharsets.UTF_8), 16_384));
    }

    private static void attempt(java.util.function.Supplier<PKCS10CertificationRequest> decode) {
        PKCS10CertificationRequest csr;
        try {
            csr = decode.get();
        } catch (FleetCaException refused) {
            return;
        }
        try {
            ProofOfPossession.verify(csr);
        } catch (FleetCaException refused) {
            // A CSR without proof of possession still goes through the key policy below, as a fuzzer may
            // reach it with a valid signature only by chance.
        }
        try {
            PublicKeyPolicy.check(csr.getSubjectPublicKeyInfo(), ANY);
        } catch (FleetCaException refused) {
            // refused: fine
        }
        try {
            EnrollmentScope.deviceIdOf(csr.getSubject());
        } catch (FleetCaException refused) {
            // refused: fine
        }
    }
}
