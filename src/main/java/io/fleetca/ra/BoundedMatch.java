package io.fleetca.ra;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.util.regex.Pattern;

/**
 * Matches a station's device-id pattern with a time budget. The pattern is an admin's, but the
 * input is the station's: a pattern with nested quantifiers must not let a station pin a worker
 * thread with catastrophic backtracking.
 */
final class BoundedMatch {

    static final long BUDGET_NANOS = 50_000_000L; // 50 ms: a sane pattern on 64 characters takes microseconds

    private BoundedMatch() {}

    static boolean matches(Pattern pattern, String input) {
        try {
            return pattern.matcher(new Deadline(input, System.nanoTime() + BUDGET_NANOS)).matches();
        } catch (Expired e) {
            throw new FleetCaException(ProblemType.OUT_OF_SCOPE,
                    "the station's device id pattern takes too long to evaluate; an admin must simplify it");
        }
    }

    /** A CharSequence that fails once its deadline passes; the regex engine reads through charAt. */
    private record Deadline(CharSequence text, long deadline) implements CharSequence {
        @Override
        public char charAt(int index) {
            if (System.nanoTime() > deadline) {
                throw new Expired();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Deadline(text.subSequence(start, end), deadline);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private static final class Expired extends RuntimeException {
        Expired() {
            super(null, null, false, false);
        }
    }
}
