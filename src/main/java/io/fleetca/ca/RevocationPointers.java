package io.fleetca.ca;

import java.io.IOException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;

/**
 * Where a relying party finds the status and the issuer of a certificate FleetCA signs: every
 * certificate below a trust anchor carries them (device, station and service certificates, and CA
 * certificates under a parent), so a validator that checks the whole path (the JDK's PKIX checker in its
 * default mode, {@code openssl verify -crl_check_all}) can check every link.
 */
final class RevocationPointers {

    private RevocationPointers() {}

    /**
     * RFC 5280 §4.2.1.13 CRL distribution point {@code <base>/crl/<issuer>.crl}; §4.2.2.1 AIA with the OCSP
     * responder (RFC 6960 §3.1) {@code <base>/ocsp} and caIssuers {@code <base>/api/v1/cas/<issuer>/certificate}.
     */
    static void add(X509v3CertificateBuilder builder, String publicUrl, String issuerId) throws IOException {
        String base = publicUrl.replaceAll("/+$", "");
        builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, base + "/crl/" + issuerId + ".crl"))),
                        null, null)}));
        builder.addExtension(Extension.authorityInfoAccess, false, AuthorityInformationAccess.getInstance(new DERSequence(
                new ASN1Encodable[] {
                        new AccessDescription(AccessDescription.id_ad_ocsp,
                                new GeneralName(GeneralName.uniformResourceIdentifier, base + "/ocsp")),
                        new AccessDescription(AccessDescription.id_ad_caIssuers,
                                new GeneralName(GeneralName.uniformResourceIdentifier,
                                        base + "/api/v1/cas/" + issuerId + "/certificate"))})));
    }
}
