package io.fleetca.api;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;

/** Validated page parameters: page from 0, size 1 to 500 (default 50). */
record Paging(int page, int size) {
    static final int MAX_SIZE = 500;

    static Paging of(Integer page, Integer size) {
        int p = page == null ? 0 : page;
        int s = size == null ? 50 : size;
        if (p < 0 || p > 1_000_000) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "page must be between 0 and 1000000");
        }
        if (s < 1 || s > MAX_SIZE) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "size must be between 1 and " + MAX_SIZE);
        }
        return new Paging(p, s);
    }
}
