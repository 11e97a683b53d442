package io.fleetca.ca.lint;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** How a kind's lints run, for certificates and CRLs alike: in order, the first finding wins. */
final class LintRun {

    private LintRun() {}

    /** The first finding of {@code lints} ("LintName: what"), or empty. */
    static <L> Optional<String> first(List<L> lints, Function<L, Optional<String>> check) {
        for (L lint : lints) {
            Optional<String> finding = check.apply(lint);
            if (finding.isPresent()) {
                return Optional.of(lint.getClass().getSimpleName() + ": " + finding.get());
            }
        }
        return Optional.empty();
    }
}
