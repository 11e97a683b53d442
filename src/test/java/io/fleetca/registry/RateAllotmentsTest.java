package io.fleetca.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Block sizes: exact (one unit) for small budgets, a fiftieth of larger ones, never more than 32. */
class RateAllotmentsTest {

    @ParameterizedTest(name = "limit {0} -> blocks of {1}")
    @CsvSource({"1, 1", "10, 1", "99, 1", "100, 2", "600, 12", "1000, 20", "1600, 32", "100000, 32"})
    void blockSizes(int limit, int block) {
        assertEquals(block, RateAllotments.blockFor(limit));
    }
}
