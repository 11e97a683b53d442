package io.fleetca.ca;

import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;

import io.fleetca.profile.CertificateProfile;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * What the CA is to sign, as the RA approved it: who, which profile, which (already vetted) public key.
 * A device certificate names the device ({@code deviceId}); a certificate of no device (a station's, or
 * FleetCA's own TLS server certificate) has a null deviceId, its {@code commonName} and subject alternative
 * names instead. {@code policyOids}: certificate policies (RFC 5280 §4.2.1.4) the RA wants in the
 * certificate, e.g. the one marking station certificates.
 */
public record IssuanceRequest(String deviceId, String stationId, CertificateProfile profile, LoadedCa issuer,
                              SubjectPublicKeyInfo publicKey, String spkiSha256, boolean rsaKey, String commonName,
                              List<GeneralName> subjectAltNames, List<String> policyOids) {

    /** A certificate of no device. */
    public IssuanceRequest(String stationId, CertificateProfile profile, LoadedCa issuer, SubjectPublicKeyInfo publicKey,
                           String spkiSha256, boolean rsaKey, String commonName, List<GeneralName> subjectAltNames) {
        this(null, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, commonName, subjectAltNames, List.of());
    }

    /** A device certificate: subject from the device id and the profile, no SANs. */
    public static IssuanceRequest forDevice(String deviceId, String stationId, CertificateProfile profile, LoadedCa issuer,
                                            SubjectPublicKeyInfo publicKey, String spkiSha256, boolean rsaKey) {
        return new IssuanceRequest(deviceId, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, deviceId, List.of(),
                List.of());
    }

    /** The same request, with this certificate policy OID (dotted decimal) added. */
    public IssuanceRequest withPolicy(String oid) {
        List<String> oids = new java.util.ArrayList<>(policyOids);
        oids.add(oid);
        return new IssuanceRequest(deviceId, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, commonName,
                subjectAltNames, List.copyOf(oids));
    }
}
