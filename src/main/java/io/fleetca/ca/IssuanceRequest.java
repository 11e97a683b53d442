package io.fleetca.ca;

import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;

import io.fleetca.profile.CertificateProfile;
import io.fleetca.registry.OneTimeToken;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An issuance the RA has approved: who, which profile, which (already vetted) public key.
 * A device certificate names the device ({@code deviceId}); a certificate of no device (FleetCA's
 * own TLS server certificate) has a null deviceId, its {@code commonName} and subject alternative
 * names instead. {@code renewal}: the device already holds a valid certificate of this profile,
 * maybe for this very key, and asks for its successor. {@code policyOids}: certificate policies
 * (RFC 5280 §4.2.1.4) the RA wants in the certificate, e.g. the one marking station certificates.
 * {@code token}: the station token that authorized it, used up when the serial's reservation commits
 * (null when none did).
 */
public record IssuanceRequest(String deviceId, String stationId, CertificateProfile profile, LoadedCa issuer,
                              SubjectPublicKeyInfo publicKey, String spkiSha256, boolean rsaKey, String commonName,
                              List<GeneralName> subjectAltNames, boolean renewal, List<String> policyOids,
                              OneTimeToken token) {

    public IssuanceRequest(String deviceId, String stationId, CertificateProfile profile, LoadedCa issuer,
                           SubjectPublicKeyInfo publicKey, String spkiSha256, boolean rsaKey, String commonName,
                           List<GeneralName> subjectAltNames, boolean renewal, List<String> policyOids) {
        this(deviceId, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, commonName, subjectAltNames, renewal,
                policyOids, null);
    }

    /** A certificate of no device. */
    public IssuanceRequest(String stationId, CertificateProfile profile, LoadedCa issuer, SubjectPublicKeyInfo publicKey,
                           String spkiSha256, boolean rsaKey, String commonName, List<GeneralName> subjectAltNames) {
        this(null, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, commonName, subjectAltNames, false, List.of());
    }

    /** A device certificate: subject from the device id and the profile, no SANs. */
    public static IssuanceRequest forDevice(String deviceId, String stationId, CertificateProfile profile, LoadedCa issuer,
                                            SubjectPublicKeyInfo publicKey, String spkiSha256, boolean rsaKey) {
        return new IssuanceRequest(deviceId, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, deviceId, List.of(),
                false, List.of());
    }

    /** A renewal (EST simplereenroll): a new certificate even if one for the same key and profile is valid. */
    public IssuanceRequest asRenewal() {
        return new IssuanceRequest(deviceId, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, commonName,
                subjectAltNames, true, policyOids, token);
    }

    /** The same request, authorized by this station token (used up with the reservation). */
    public IssuanceRequest withToken(OneTimeToken oneTime) {
        return new IssuanceRequest(deviceId, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, commonName,
                subjectAltNames, renewal, policyOids, oneTime);
    }

    /** The same request, with this certificate policy OID (dotted decimal) added. */
    public IssuanceRequest withPolicy(String oid) {
        List<String> oids = new java.util.ArrayList<>(policyOids);
        oids.add(oid);
        return new IssuanceRequest(deviceId, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, commonName,
                subjectAltNames, renewal, List.copyOf(oids), token);
    }
}
