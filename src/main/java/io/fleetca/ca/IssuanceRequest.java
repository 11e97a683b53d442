package io.fleetca.ca;

import java.util.List;
import org.bouncycastle.asn1.x509.GeneralName;

import io.fleetca.profile.CertificateProfile;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * An issuance the RA has approved: who, which profile, which (already vetted) public key.
 * A device certificate names the device ({@code deviceId}); a certificate of no device (FleetCA's
 * own TLS server certificate) has a null deviceId, its {@code commonName} and subject alternative
 * names instead.
 */
public record IssuanceRequest(String deviceId, String stationId, CertificateProfile profile, LoadedCa issuer,
                              SubjectPublicKeyInfo publicKey, String spkiSha256, boolean rsaKey, String commonName,
                              List<GeneralName> subjectAltNames) {

    /** A device certificate: subject from the device id and the profile, no SANs. */
    public static IssuanceRequest forDevice(String deviceId, String stationId, CertificateProfile profile, LoadedCa issuer,
                                            SubjectPublicKeyInfo publicKey, String spkiSha256, boolean rsaKey) {
        return new IssuanceRequest(deviceId, stationId, profile, issuer, publicKey, spkiSha256, rsaKey, deviceId, List.of());
    }
}
