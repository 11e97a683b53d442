package io.fleetca.ca.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table of fixture certificates (src/test/resources/lint, made with openssl from ext.cnf there) and what
 * each kind's lints say about them: the good fixtures pass, each bad one fails on the lint it was made for.
 */
class CertificateLinterTest {

    static Stream<Arguments> fixtures() {
        return Stream.of(
                Arguments.of("ca-good.pem", CertificateLinter.Kind.SUBORDINATE_CA, null),
                Arguments.of("ca-no-keycertsign.pem", CertificateLinter.Kind.SUBORDINATE_CA,
                        "SubordinateCaLint: CA key usage lacks keyCertSign or cRLSign"),
                Arguments.of("ca-bc-not-critical.pem", CertificateLinter.Kind.SUBORDINATE_CA,
                        "SubordinateCaLint: basic constraints are missing or not critical"),
                Arguments.of("ca-no-pointers.pem", CertificateLinter.Kind.SUBORDINATE_CA,
                        "RevocationPointersLint: CRL distribution point is missing"),
                // A CA certificate is no end entity, nor a responder.
                Arguments.of("ca-good.pem", CertificateLinter.Kind.END_ENTITY,
                        "EndEntityUsageLint: end-entity key usage includes keyCertSign or cRLSign"),
                Arguments.of("ca-good.pem", CertificateLinter.Kind.OCSP_RESPONDER,
                        "OcspResponderLint: extended key usage is not exactly id-kp-OCSPSigning"),
                Arguments.of("ocsp-good.pem", CertificateLinter.Kind.OCSP_RESPONDER, null),
                Arguments.of("ocsp-no-nocheck.pem", CertificateLinter.Kind.OCSP_RESPONDER,
                        "OcspResponderLint: id-pkix-ocsp-nocheck is missing"),
                Arguments.of("ocsp-client-auth.pem", CertificateLinter.Kind.OCSP_RESPONDER,
                        "OcspResponderLint: extended key usage is not exactly id-kp-OCSPSigning"),
                // Roots (src/test/resources/lint/crl, see ext.cnf there): linted as their own issuer.
                Arguments.of("crl/root-good.pem", CertificateLinter.Kind.ROOT_CA, null),
                Arguments.of("crl/root-eku.pem", CertificateLinter.Kind.ROOT_CA, "RootCaLint: a root carries extended key usage"),
                Arguments.of("issuer.pem", CertificateLinter.Kind.ROOT_CA, "KeyIdentifierLint: authority key identifier is missing"),
                Arguments.of("ca-good.pem", CertificateLinter.Kind.ROOT_CA, "NamesLint: issuer name differs from the issuing CA's subject"),
                // A responder has no revocation pointers by design (nocheck); an end entity must have them.
                Arguments.of("ocsp-client-auth.pem", CertificateLinter.Kind.END_ENTITY,
                        "RevocationPointersLint: CRL distribution point is missing"));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("fixtures")
    void lints(String fixture, CertificateLinter.Kind kind, String expected) throws Exception {
        X509CertificateHolder cert = load(fixture);
        // A root is its own issuer; every other fixture was signed by issuer.pem.
        X509CertificateHolder issuer = kind == CertificateLinter.Kind.ROOT_CA ? cert : load("issuer.pem");
        Optional<String> finding = CertificateLinter.findings(kind, cert, issuer);
        assertEquals(Optional.ofNullable(expected), finding);
    }

    private static X509CertificateHolder load(String name) throws Exception {
        try (Reader r = new InputStreamReader(Objects.requireNonNull(
                CertificateLinterTest.class.getResourceAsStream("/lint/" + name), name), StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(r)) {
            return (X509CertificateHolder) parser.readObject();
        }
    }
}
