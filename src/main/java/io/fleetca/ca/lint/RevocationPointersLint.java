package io.fleetca.ca.lint;

import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * Every certificate below a trust anchor, except OCSP responders (RFC 6960 §4.2.2.2.1 id-pkix-ocsp-nocheck),
 * says where its status is: RFC 5280 §4.2.1.13 a CRL distribution point and §4.2.2.1 an AIA with an OCSP
 * responder (RFC 6960 §3.1). Without them a validator that checks the whole path (the JDK's PKIX revocation
 * checker) cannot decide and fails closed.
 */
public final class RevocationPointersLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        CRLDistPoint cdp = CRLDistPoint.fromExtensions(cert.getExtensions());
        if (cdp == null || cdp.getDistributionPoints().length == 0) {
            return Optional.of("CRL distribution point is missing");
        }
        AuthorityInformationAccess aia = AuthorityInformationAccess.fromExtensions(cert.getExtensions());
        if (aia == null || Arrays.stream(aia.getAccessDescriptions())
                .noneMatch(d -> d.getAccessMethod().equals(AccessDescription.id_ad_ocsp))) {
            return Optional.of("authority information access names no OCSP responder");
        }
        return Optional.empty();
    }
}
