package io.fleetca.ca.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRL lints, row by row. Fixture CRLs made by {@code openssl ca -gencrl} (src/test/resources/lint/crl,
 * how in ext.cnf there) for what openssl writes; delta CRLs and the rows openssl cannot make are built here
 * with BouncyCastle from a throw-away CA. FleetCA's own CRLs pass these lints on every signature (CrlSigner),
 * so every CRL test against the running service covers the good path too.
 */
class CrlLinterTest {

    private static final KeyPair KEY = key();
    private static final X509CertificateHolder CA = ca();
    private static final Date NOW = new Date();
    private static final Date WEEK = new Date(NOW.getTime() + 7 * 86_400_000L);

    static Stream<Arguments> rows() throws Exception {
        X509CertificateHolder openssl = certificate("root-good.pem");
        return Stream.of(
                Arguments.of("openssl complete CRL", CrlLinter.Kind.COMPLETE, crl("crl-good.crl"), openssl, null),
                Arguments.of("openssl CRL without a number", CrlLinter.Kind.COMPLETE, crl("crl-no-number.crl"), openssl,
                        "CrlNumberLint: CRL number is missing"),
                Arguments.of("openssl CRL without AKI", CrlLinter.Kind.COMPLETE, crl("crl-no-aki.crl"), openssl,
                        "CrlIssuerLint: authority key identifier is missing"),
                Arguments.of("a complete CRL is no delta", CrlLinter.Kind.DELTA, crl("crl-good.crl"), openssl,
                        "CrlKindLint: the delta CRL indicator is missing or not critical"),
                Arguments.of("another CA's CRL", CrlLinter.Kind.COMPLETE, crl("crl-good.crl"), CA,
                        "CrlIssuerLint: the CRL issuer is not the CA's subject"),
                Arguments.of("built complete", CrlLinter.Kind.COMPLETE, built(7, null, true, false, WEEK), CA, null),
                Arguments.of("built complete with freshest CRL", CrlLinter.Kind.COMPLETE, built(7, null, true, true, WEEK), CA, null),
                Arguments.of("built delta", CrlLinter.Kind.DELTA, built(8, 7L, true, false, WEEK), CA, null),
                Arguments.of("delta as complete", CrlLinter.Kind.COMPLETE, built(8, 7L, true, false, WEEK), CA,
                        "CrlKindLint: a complete CRL carries a delta CRL indicator"),
                Arguments.of("delta indicator not critical", CrlLinter.Kind.DELTA, built(8, 7L, false, false, WEEK), CA,
                        "CrlKindLint: the delta CRL indicator is missing or not critical"),
                Arguments.of("delta base not lower", CrlLinter.Kind.DELTA, built(8, 8L, true, false, WEEK), CA,
                        "CrlKindLint: the base CRL number is not lower than the delta's CRL number"),
                Arguments.of("delta with freshest CRL", CrlLinter.Kind.DELTA, built(8, 7L, true, true, WEEK), CA,
                        "CrlKindLint: a delta CRL carries the freshest CRL extension"),
                Arguments.of("no nextUpdate", CrlLinter.Kind.COMPLETE, built(7, null, true, false, null), CA,
                        "CrlValidityLint: nextUpdate is missing"),
                Arguments.of("nextUpdate before thisUpdate", CrlLinter.Kind.COMPLETE,
                        built(7, null, true, false, new Date(NOW.getTime() - 1000)), CA,
                        "CrlValidityLint: nextUpdate is not after thisUpdate"),
                Arguments.of("CRL number of 21 octets", CrlLinter.Kind.COMPLETE, builtNumber(BigInteger.ONE.shiftLeft(160)), CA,
                        "CrlNumberLint: CRL number is negative or longer than 20 octets"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void lints(String row, CrlLinter.Kind kind, X509CRLHolder crl, X509CertificateHolder issuer, String expected) {
        assertEquals(Optional.ofNullable(expected), CrlLinter.findings(kind, crl, issuer));
    }

    private static X509CRLHolder built(long number, Long deltaBase, boolean indicatorCritical, boolean freshest, Date next)
            throws Exception {
        X509v2CRLBuilder b = base(BigInteger.valueOf(number), next);
        if (deltaBase != null) {
            b.addExtension(Extension.deltaCRLIndicator, indicatorCritical, new ASN1Integer(deltaBase));
        }
        if (freshest) {
            b.addExtension(Extension.freshestCRL, false, new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(
                    new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier,
                            "http://fleetca.example/crl/lint-delta.crl"))), null, null)}));
        }
        return b.build(signer());
    }

    private static X509CRLHolder builtNumber(BigInteger number) throws Exception {
        return base(number, WEEK).build(signer());
    }

    private static X509v2CRLBuilder base(BigInteger number, Date next) throws Exception {
        X509v2CRLBuilder b = new X509v2CRLBuilder(CA.getSubject(), NOW);
        if (next != null) {
            b.setNextUpdate(next);
        }
        b.addExtension(Extension.authorityKeyIdentifier, false,
                new AuthorityKeyIdentifier(SubjectKeyIdentifier.fromExtensions(CA.getExtensions()).getKeyIdentifier()));
        b.addExtension(Extension.cRLNumber, false, new ASN1Integer(number));
        b.addCRLEntry(BigInteger.valueOf(0x1234), NOW, org.bouncycastle.asn1.x509.CRLReason.keyCompromise);
        return b;
    }

    private static ContentSigner signer() throws Exception {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate());
    }

    private static KeyPair key() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509CertificateHolder ca() {
        try {
            X500Name name = new X500Name("CN=Lint Built CA");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
                    new Date(System.currentTimeMillis() - 86_400_000L), new Date(System.currentTimeMillis() + 30 * 86_400_000L),
                    name, KEY.getPublic());
            b.addExtension(Extension.subjectKeyIdentifier, false, new BcX509ExtensionUtils().createSubjectKeyIdentifier(
                    org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(KEY.getPublic().getEncoded())));
            return b.build(signer());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509CRLHolder crl(String name) throws Exception {
        try (InputStream in = Objects.requireNonNull(CrlLinterTest.class.getResourceAsStream("/lint/crl/" + name), name);
             Reader r = new InputStreamReader(in, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            return (X509CRLHolder) parser.readObject();
        }
    }

    static X509CertificateHolder certificate(String name) throws Exception {
        try (InputStream in = Objects.requireNonNull(CrlLinterTest.class.getResourceAsStream("/lint/crl/" + name), name);
             Reader r = new InputStreamReader(in, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            return (X509CertificateHolder) parser.readObject();
        }
    }
}
