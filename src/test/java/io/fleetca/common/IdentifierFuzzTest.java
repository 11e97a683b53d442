package io.fleetca.common;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;

/**
 * Path segments of CRL, OCSP, certificate, device and CA URLs are checked by these before anything is looked
 * up; on any input they answer, never throw (a throw would be a 500 for a URL). A serial that parses prints
 * back to the same number.
 */
@Tag("fuzz")
class IdentifierFuzzTest {

    @FuzzTest(maxDuration = "5s")
    void segment(String segment) {
        Text.isDeviceId(segment);
        Text.isStationId(segment);
        Text.isCaId(segment);
        Text.hasControlCharacters(segment);
        SerialNumber.parse(segment).ifPresent(serial -> {
            if (!SerialNumber.parse(serial.hex()).orElseThrow().value().equals(serial.value())) {
                throw new AssertionError("serial " + segment + " does not round-trip");
            }
        });
    }
}
