package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * RFC 5280 §5.2.4: a delta CRL carries the delta CRL indicator, critical, naming a base CRL number lower
 * than its own CRL number; a complete CRL carries none. §5.2.6: the freshest CRL extension (where the deltas
 * are) appears in complete CRLs only, never in a delta CRL.
 */
public final class CrlKindLint implements CrlLint {

    private final boolean delta;

    CrlKindLint(boolean delta) {
        this.delta = delta;
    }

    @Override
    public Optional<String> check(X509CRLHolder crl, X509CertificateHolder issuer) {
        Extension indicator = crl.getExtension(Extension.deltaCRLIndicator);
        if (!delta) {
            return indicator == null ? Optional.empty() : Optional.of("a complete CRL carries a delta CRL indicator");
        }
        if (indicator == null || !indicator.isCritical()) {
            return Optional.of("the delta CRL indicator is missing or not critical");
        }
        if (crl.getExtension(Extension.freshestCRL) != null) {
            return Optional.of("a delta CRL carries the freshest CRL extension");
        }
        Extension number = crl.getExtension(Extension.cRLNumber);
        if (number != null && ASN1Integer.getInstance(indicator.getParsedValue()).getValue()
                .compareTo(ASN1Integer.getInstance(number.getParsedValue()).getValue()) >= 0) {
            return Optional.of("the base CRL number is not lower than the delta's CRL number");
        }
        return Optional.empty();
    }
}
