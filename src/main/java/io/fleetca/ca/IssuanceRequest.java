package io.fleetca.ca;

import io.fleetca.profile.CertificateProfile;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** An issuance the RA has approved: who, which profile, which (already vetted) public key. */
public record IssuanceRequest(String deviceId, String stationId, CertificateProfile profile, LoadedCa issuer,
                              SubjectPublicKeyInfo publicKey, String spkiSha256, boolean rsaKey) {}
