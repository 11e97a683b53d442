package io.fleetca.api;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetca.common.FleetCaException;

/**
 * The JSON body of every POST goes through JsonBody: broken UTF-8, deep nesting, huge numbers, wrong types and
 * unknown fields are a 4xx problem (malformed-request or payload-too-large), never an exception of Jackson's.
 * Seeds: src/test/resources/io/fleetca/api/JsonBodyFuzzTestInputs.
 */
@Tag("fuzz")
class JsonBodyFuzzTest {

    private static final JsonBody JSON = new JsonBody(new ObjectMapper().findAndRegisterModules());

    private static final Class<?>[] BODIES = {Dtos.EnrollRequest.class, Dtos.StationCertificateRequest.class,
            Dtos.RevokeRequest.class, Dtos.EnrollmentCodeRequest.class, io.fleetca.ra.StationRegistration.class};

    @FuzzTest(maxDuration = "10s")
    void body(String body) {
        for (Class<?> type : BODIES) {
            try {
                JSON.read(body, type);
            } catch (FleetCaException e) {
                if (e.type().status() >= 500) {
                    throw new AssertionError("a body refused with " + e.type(), e);
                }
            }
        }
    }
}
