package io.fleetca.ra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fleetca.auth.EnrollmentGrant;
import io.fleetca.common.FleetCaException;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.DeviceKeyType;
import io.fleetca.profile.RenewalKey;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.CertificateStatus;
import io.fleetca.testing.TestCsrs;
import java.math.BigInteger;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Step 2's grant-dependent rules: the token's key binding, and a renewal's subject and key. */
class KeyRulesTest {

    private static final String SPKI = "ab".repeat(32);
    private static final String BOUND = Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(SPKI));
    private static final String OTHER = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

    static Stream<Arguments> bindings() {
        return Stream.of(
                Arguments.of("no token", null, null),
                Arguments.of("unbound token, binding optional", new EnrollmentGrant.KeyBinding(null, false), null),
                Arguments.of("unbound token, binding required", new EnrollmentGrant.KeyBinding(null, true), "unauthorized"),
                Arguments.of("bound to this key", new EnrollmentGrant.KeyBinding(BOUND, false), null),
                Arguments.of("bound to this key, required", new EnrollmentGrant.KeyBinding(BOUND, true), null),
                Arguments.of("bound to another key", new EnrollmentGrant.KeyBinding(OTHER, false), "forbidden"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bindings")
    void keyBinding(String row, EnrollmentGrant.KeyBinding binding, String refusal) {
        expect(refusal, () -> KeyRules.checkKeyBinding(binding, "station-1", SPKI));
    }

    private static final KeyPair CURRENT_KEY = TestCsrs.ecP256();
    private static final String SUBJECT = "SERIALNUMBER=dev-1,CN=dev-1";
    private static final CertificateRecord CURRENT = current();

    static Stream<Arguments> renewals() {
        KeyPair fresh = TestCsrs.ecP256();
        return Stream.of(
                Arguments.of("new key, ANY", RenewalKey.ANY, TestCsrs.csr(fresh, SUBJECT), null),
                Arguments.of("same key, ANY", RenewalKey.ANY, TestCsrs.csr(CURRENT_KEY, SUBJECT), null),
                Arguments.of("new key, NEW", RenewalKey.NEW, TestCsrs.csr(fresh, SUBJECT), null),
                Arguments.of("same key, NEW", RenewalKey.NEW, TestCsrs.csr(CURRENT_KEY, SUBJECT), "bad-public-key"),
                Arguments.of("same key, SAME", RenewalKey.SAME, TestCsrs.csr(CURRENT_KEY, SUBJECT), null),
                Arguments.of("new key, SAME", RenewalKey.SAME, TestCsrs.csr(fresh, SUBJECT), "bad-public-key"),
                Arguments.of("another subject", RenewalKey.ANY, TestCsrs.csr(fresh, "SERIALNUMBER=dev-2,CN=dev-2"), "bad-csr"),
                Arguments.of("subject missing an RDN", RenewalKey.ANY, TestCsrs.csr(fresh, "CN=dev-1"), "bad-csr"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renewals")
    void renewal(String row, RenewalKey rule, PKCS10CertificationRequest csr, String refusal) {
        CertificateProfile profile = new CertificateProfile("operational", Duration.ofDays(30), true,
                Set.of(DeviceKeyType.EC_P256), 2048, 4096, Optional.empty(), List.of("clientAuth"), Duration.ZERO, rule);
        expect(refusal, () -> KeyRules.checkRenewal(CURRENT, csr,
                PublicKeyPolicy.sha256Hex(csr.getSubjectPublicKeyInfo()), profile));
    }

    private static CertificateRecord current() {
        try {
            byte[] der = new JcaX509v3CertificateBuilder(new X500Name("CN=Issuing"), BigInteger.TEN, new Date(),
                    new Date(System.currentTimeMillis() + 86_400_000L), new X500Name(SUBJECT), CURRENT_KEY.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(CURRENT_KEY.getPrivate())).getEncoded();
            String spki = PublicKeyPolicy.sha256Hex(org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                    CURRENT_KEY.getPublic().getEncoded()));
            return new CertificateRecord("issuing", "0a", CertificateStatus.ISSUED, "dev-1", "station-1", "operational",
                    spki, Instant.now(), Instant.now().plusSeconds(86_400), der, Instant.now(), Instant.now(), null, null,
                    null, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void expect(String refusal, Runnable rule) {
        if (refusal == null) {
            rule.run();
        } else {
            FleetCaException e = assertThrows(FleetCaException.class, rule::run);
            assertEquals(refusal, e.type().slug(), e.getMessage());
        }
    }
}
