package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.x509.TBSCertList;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * RFC 5280 §5.1.2.4-5: thisUpdate and nextUpdate present (conforming CAs MUST include nextUpdate), nextUpdate
 * later than thisUpdate; both UTCTime through 2049 and GeneralizedTime from 2050 (§5.1.2.4 as §4.1.2.5); the
 * CA's certificate valid at thisUpdate (a CRL signed outside its issuer's validity says nothing).
 */
public final class CrlValidityLint implements CrlLint {
    @Override
    public Optional<String> check(X509CRLHolder crl, X509CertificateHolder issuer) {
        TBSCertList tbs = crl.toASN1Structure().getTBSCertList();
        Time thisUpdate = tbs.getThisUpdate();
        Time nextUpdate = tbs.getNextUpdate();
        if (nextUpdate == null) {
            return Optional.of("nextUpdate is missing");
        }
        if (!nextUpdate.getDate().after(thisUpdate.getDate())) {
            return Optional.of("nextUpdate is not after thisUpdate");
        }
        if (!encodedForItsYear(thisUpdate) || !encodedForItsYear(nextUpdate)) {
            return Optional.of("a time is not UTCTime through 2049 and GeneralizedTime from 2050");
        }
        if (thisUpdate.getDate().before(issuer.getNotBefore()) || thisUpdate.getDate().after(issuer.getNotAfter())) {
            return Optional.of("thisUpdate is outside the CA certificate's validity");
        }
        return Optional.empty();
    }

    private static boolean encodedForItsYear(Time t) {
        boolean utc = t.toASN1Primitive() instanceof org.bouncycastle.asn1.ASN1UTCTime;
        int year = t.getDate().toInstant().atZone(java.time.ZoneOffset.UTC).getYear();
        return utc == (year < 2050);
    }
}
