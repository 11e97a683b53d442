package io.fleetca.ocsp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Any bytes POSTed to /ocsp (or base64 in GET /ocsp/{request}) parse completely or are malformedRequest: only
 * OcspRequests.Malformed may leave the parser. Seeds: src/test/resources/io/fleetca/ocsp/OcspRequestFuzzTestInputs.
 */
@Tag("fuzz")
class OcspRequestFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void request(byte[] data) {
        try {
            OcspRequests.Parsed parsed = OcspRequests.parse(data, 4096, 16);
            if (parsed.list().length != parsed.certIds().length) {
                throw new AssertionError("a CertID without its encoding");
            }
        } catch (OcspRequests.Malformed refused) {
            // malformedRequest: fine
        }
    }
}
