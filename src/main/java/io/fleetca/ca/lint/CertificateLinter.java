package io.fleetca.ca.lint;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/** Runs every lint of a certificate's kind; any finding stops the signature before the HSM is asked. */
public final class CertificateLinter {

    /** What is being certified; each kind has its own lints on top of the ones every certificate gets. */
    public enum Kind {
        /** Device, station and FleetCA service (EST server) certificates. */
        END_ENTITY(List.of(new EndEntityUsageLint(), new RevocationPointersLint())),
        /** A root CA, self-signed (the issuer passed is the certificate itself). */
        ROOT_CA(List.of(new RootCaLint())),
        /** An issuing CA under its parent. */
        SUBORDINATE_CA(List.of(new SubordinateCaLint(), new RevocationPointersLint())),
        /** A delegated OCSP responder (no revocation pointers: id-pkix-ocsp-nocheck). */
        OCSP_RESPONDER(List.of(new OcspResponderLint()));

        private final List<Lint> lints;

        Kind(List<Lint> specific) {
            this.lints = java.util.stream.Stream.concat(Common.LINTS.stream(), specific.stream()).toList();
        }
    }

    /** The lints every certificate FleetCA signs gets. */
    private static final class Common {
        static final List<Lint> LINTS = List.of(new SerialNumberLint(), new ValidityLint(), new NamesLint(),
                new KeyIdentifierLint());
    }

    private CertificateLinter() {}

    /** An end-entity certificate. */
    public static void lint(X509CertificateHolder cert, X509CertificateHolder issuer) {
        lint(Kind.END_ENTITY, cert, issuer);
    }

    public static void lint(Kind kind, X509CertificateHolder cert, X509CertificateHolder issuer) {
        findings(kind, cert, issuer).ifPresent(finding -> {
            // A lint finding is FleetCA's own bug (profile or code), never the caller's input.
            throw new FleetCaException(ProblemType.INTERNAL, "certificate failed lint " + finding);
        });
    }

    /** The first finding ("LintName: what"), or empty. */
    public static Optional<String> findings(Kind kind, X509CertificateHolder cert, X509CertificateHolder issuer) {
        return LintRun.first(kind.lints, (Lint lint) -> lint.check(cert, issuer));
    }
}
