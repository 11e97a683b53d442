package io.fleetca.ra;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.util.regex.Pattern;

/**
 * Matches a station's device-id pattern with a work budget. The pattern is an admin's, but the input is
 * the station's: a pattern with nested quantifiers must not let a station pin a worker thread with
 * catastrophic backtracking. The budget counts the characters the regex engine reads, not time: a time
 * budget also fired for sane patterns when a loaded machine descheduled the thread mid-match (seen as
 * spurious 403s at 64 concurrent enrollments on 2 cores).
 */
final class BoundedMatch {

    /**
     * Characters read per match. A sane pattern reads each of at most 64 characters a few times; a
     * pattern like (.*a){15}x on 40 characters reads billions. A million reads take a few milliseconds.
     */
    static final int BUDGET_READS = 1_000_000;

    private BoundedMatch() {}

    static boolean matches(Pattern pattern, String input) {
        try {
            return pattern.matcher(new Budgeted(input, new int[] {BUDGET_READS})).matches();
        } catch (Exhausted e) {
            throw new FleetCaException(ProblemType.OUT_OF_SCOPE,
                    "the station's device id pattern takes too long to evaluate; an admin must simplify it");
        }
    }

    /** A CharSequence that fails once the shared read budget is used up; the regex engine reads through charAt. */
    private record Budgeted(CharSequence text, int[] left) implements CharSequence {
        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.subSequence(start, end), left);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private static final class Exhausted extends RuntimeException {
        Exhausted() {
            super(null, null, false, false);
        }
    }
}
