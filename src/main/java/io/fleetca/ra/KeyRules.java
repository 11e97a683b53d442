package io.fleetca.ra;

import io.fleetca.auth.EnrollmentGrant;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.profile.CertificateProfile;
import io.fleetca.profile.RenewalKey;
import io.fleetca.registry.CertificateRecord;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The rules a CSR's key and subject meet because of how the grant was given (step 2 of
 * {@link IssuancePipeline}, after proof of possession and {@link PublicKeyPolicy}): a station token's key
 * binding, and for a renewal the predecessor's subject and the profile's renewal-key rule. Pure functions.
 */
final class KeyRules {

    private KeyRules() {}

    /**
     * A station token may bind the key it authorizes (claim csr_spki_sha256), so that whoever sees the token
     * first cannot redeem it with another key; a station registered with requireKeyBinding accepts only bound
     * tokens. Codes and TLS client certificates are not bearer tokens of this kind (no binding in the grant).
     */
    static void checkKeyBinding(EnrollmentGrant.KeyBinding binding, String stationId, String spkiSha256Hex) {
        if (binding == null) {
            return;
        }
        if (binding.spkiSha256() == null) {
            if (binding.required()) {
                throw new FleetCaException(ProblemType.UNAUTHORIZED, "station " + stationId
                        + " requires key-bound tokens: the token must carry csr_spki_sha256 (base64url SHA-256 of the"
                        + " CSR's SubjectPublicKeyInfo)");
            }
            return;
        }
        String actual = Base64.getUrlEncoder().withoutPadding().encodeToString(HexFormat.of().parseHex(spkiSha256Hex));
        if (!binding.spkiSha256().equals(actual)) {
            throw new FleetCaException(ProblemType.FORBIDDEN,
                    "the token's csr_spki_sha256 names another key than the CSR's (" + actual + ")");
        }
    }

    /**
     * RFC 7030 §4.2.2: a renewal's CSR carries the current certificate's subject; its key is new, the same,
     * or either, as the profile's renewal-key says.
     */
    static void checkRenewal(CertificateRecord current, PKCS10CertificationRequest csr, String spkiSha256,
                             CertificateProfile profile) {
        X509CertificateHolder held;
        try {
            held = new X509CertificateHolder(current.der());
        } catch (IOException e) {
            throw new IllegalStateException("a ledger certificate does not parse", e);
        }
        if (!csr.getSubject().equals(held.getSubject())) {
            throw new FleetCaException(ProblemType.BAD_CSR, "RFC 7030 §4.2.2: the CSR subject must be the current"
                    + " certificate's subject (" + held.getSubject() + ")");
        }
        boolean sameKey = spkiSha256.equals(current.spkiSha256());
        if (profile.renewalKey() == RenewalKey.NEW && sameKey) {
            throw new FleetCaException(ProblemType.BAD_PUBLIC_KEY, "profile " + profile.name() + " renews with a new key only");
        }
        if (profile.renewalKey() == RenewalKey.SAME && !sameKey) {
            throw new FleetCaException(ProblemType.BAD_PUBLIC_KEY, "profile " + profile.name() + " renews the same key only");
        }
    }
}
