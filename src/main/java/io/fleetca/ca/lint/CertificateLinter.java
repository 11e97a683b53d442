package io.fleetca.ca.lint;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/** Runs every lint; any finding stops issuance before the HSM signs. */
public final class CertificateLinter {

    private static final List<Lint> LINTS = List.of(new SerialNumberLint(), new ValidityLint(), new NamesLint(),
            new KeyIdentifierLint(), new EndEntityUsageLint());

    private CertificateLinter() {}

    public static void lint(X509CertificateHolder cert, X509CertificateHolder issuer) {
        for (Lint lint : LINTS) {
            Optional<String> finding = lint.check(cert, issuer);
            if (finding.isPresent()) {
                // A lint finding is FleetCA's own bug (profile or code), never the caller's input.
                throw new FleetCaException(ProblemType.INTERNAL, "certificate failed lint " + lint.getClass().getSimpleName()
                        + ": " + finding.get());
            }
        }
    }
}
