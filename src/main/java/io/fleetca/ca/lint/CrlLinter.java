package io.fleetca.ca.lint;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;

/** Runs every lint of a CRL's kind; any finding stops the CRL before the key store signs it. */
public final class CrlLinter {

    /** A complete CRL or a delta CRL (RFC 5280 §5.2.4); each kind has its lints on top of the common ones. */
    public enum Kind {
        COMPLETE(new CrlKindLint(false)),
        DELTA(new CrlKindLint(true));

        private final List<CrlLint> lints;

        Kind(CrlLint specific) {
            this.lints = Stream.concat(COMMON.stream(), Stream.of(specific)).toList();
        }
    }

    private static final List<CrlLint> COMMON = List.of(new CrlIssuerLint(), new CrlNumberLint(), new CrlValidityLint(),
            new CrlExtensionsLint());

    private CrlLinter() {}

    public static void lint(Kind kind, X509CRLHolder crl, X509CertificateHolder issuer) {
        findings(kind, crl, issuer).ifPresent(finding -> {
            // A finding is FleetCA's own bug, never a caller's input: nothing is signed or published.
            throw new FleetCaException(ProblemType.INTERNAL, "CRL failed lint " + finding);
        });
    }

    /** The first finding ("LintName: what"), or empty. */
    public static Optional<String> findings(Kind kind, X509CRLHolder crl, X509CertificateHolder issuer) {
        return LintRun.first(kind.lints, (CrlLint lint) -> lint.check(crl, issuer));
    }
}
