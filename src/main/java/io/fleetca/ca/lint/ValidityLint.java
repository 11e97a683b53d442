package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/** RFC 5280 §4.1.2.5 and §6.1.3 (a)(2): notBefore precedes notAfter, and the issuer is valid for the whole period. */
public final class ValidityLint implements Lint {
    @Override
    public Optional<String> check(X509CertificateHolder cert, X509CertificateHolder issuer) {
        if (!cert.getNotBefore().before(cert.getNotAfter())) {
            return Optional.of("notBefore is not before notAfter");
        }
        if (cert.getNotBefore().before(issuer.getNotBefore()) || cert.getNotAfter().after(issuer.getNotAfter())) {
            return Optional.of("validity extends beyond the issuer's validity");
        }
        return Optional.empty();
    }
}
