package io.fleetca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BoundedMatchTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource({
            "'line-a-[0-9]{6}', line-a-000123, true",
            "'line-a-[0-9]{6}', line-a-00012, false",
            "'line-a-[0-9]{6}', line-b-000123, false",
            "'[a-z0-9.:-]{1,64}', sensor.1:a-b, true",
            "'(a|b)*c', ababababc, true",
    })
    void saneInputsMatchAsTheRegexSays(String pattern, String input, boolean expected) {
        assertEquals(expected, BoundedMatch.matches(Pattern.compile(pattern), input));
    }

    @Test
    void catastrophicBacktrackingIsRefusedNotRunToTheEnd() {
        // (.*a){15}x on 40 a's: about 40^15 ways to split the input (the JDK's loop memoization, which defuses
        // (a+)+b, does not help here); without a budget it runs for hours.
        FleetCaException e = assertThrows(FleetCaException.class,
                () -> BoundedMatch.matches(Pattern.compile("(.*a){15}x"), "a".repeat(40)));
        assertEquals(ProblemType.OUT_OF_SCOPE, e.type());
    }

    @Test
    void theBudgetDoesNotDependOnTime() {
        // The longest sane input (64 characters) under a pattern that reads each character once: far below it.
        for (int i = 0; i < 10_000; i++) {
            assertEquals(true, BoundedMatch.matches(Pattern.compile("[a-z]{64}"), "a".repeat(64)));
        }
    }
}
