package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * RFC 5280 §4.1.2.4: the issuer field equals the issuer's subject, byte for byte.
 * X.520: serialNumber values are PrintableStrings.
 * §4.1.2.6: a non-empty subject; Appendix A ub-common-name: CN at most 64 characters.
 */
public final class NamesLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        if (!cert.getIssuer().equals(issuer.getSubject())) {
            return Optional.of("issuer name differs from the issuing CA's subject");
        }
        if (cert.getSubject().getRDNs().length == 0) {
            return Optional.of("subject is empty");
        }
        for (RDN rdn : cert.getSubject().getRDNs(BCStyle.CN)) {
            if (IETFUtils.valueToString(rdn.getFirst().getValue()).length() > 64) {
                return Optional.of("common name is longer than 64 characters");
            }
        }
        // X.520 / RFC 5280 Appendix A: serialNumber is a PrintableString; other characters break strict parsers.
        for (RDN rdn : cert.getSubject().getRDNs(BCStyle.SERIALNUMBER)) {
            if (!(rdn.getFirst().getValue() instanceof DERPrintableString ps) || !DERPrintableString.isPrintableString(ps.getString())) {
                return Optional.of("serialNumber is not a valid PrintableString");
            }
        }
        return Optional.empty();
    }
}
