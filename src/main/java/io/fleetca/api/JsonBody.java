package io.fleetca.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Reads request bodies ourselves, so the size limit and every parse failure give a
 * problem naming what was wrong instead of a framework default.
 */
@ApplicationScoped
public class JsonBody {

    /** Largest JSON body accepted (a CSR of 16 KiB fits with room). */
    static final int MAX_BYTES = 64 * 1024;

    private final ObjectMapper mapper;

    /** Reads a JSON value (for echoing stored JSON such as a job's criteria). */
    Object tree(String json) {
        try {
            return mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return json;
        }
    }

    JsonBody(ObjectMapper mapper) {
        this.mapper = mapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    <T> T read(String body, Class<T> type) {
        return read(body, type, MAX_BYTES);
    }

    /** As {@link #read(String, Class)} with a larger limit, for bulk requests. */
    <T> T read(String body, Class<T> type, int maxBytes) {
        if (body == null || body.isBlank()) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "the request body is empty; send a JSON object");
        }
        if (body.length() > maxBytes) {
            throw new FleetCaException(ProblemType.PAYLOAD_TOO_LARGE, "the request body is larger than " + maxBytes + " bytes");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "the request body must be a JSON object");
            }
            return value;
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "unknown field '" + e.getPropertyName() + "'");
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : e.getPath().get(e.getPath().size() - 1).getFieldName();
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "field '" + field + "' has the wrong type");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "the request body is not valid JSON");
        }
    }
}
