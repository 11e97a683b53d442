package io.fleetca.api;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;

/** Validated page parameters: page from 0, size 1 to 500 (default 50). */
record Paging(int page, int size) {
    static final int MAX_SIZE = 500;

    /** Takes the raw query strings so that a non-number is a 400 naming the parameter. */
    static Paging of(String page, String size) {
        int p = parse("page", page, 0);
        int s = parse("size", size, 50);
        if (p < 0 || p > 1_000_000) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "page must be between 0 and 1000000");
        }
        if (s < 1 || s > MAX_SIZE) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "size must be between 1 and " + MAX_SIZE);
        }
        return new Paging(p, s);
    }

    private static int parse(String name, String value, int fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, name + " must be an integer");
        }
    }
}
