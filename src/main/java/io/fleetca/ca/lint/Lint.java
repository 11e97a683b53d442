package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * One RFC 5280 rule checked on a to-be-signed end-entity certificate before the real
 * signature is made (the Boulder pattern: lint a copy signed by a throw-away key).
 */
public interface Lint {

    /** The problem found, or empty when the certificate satisfies this rule. */
    Optional<String> check(X509CertificateHolder certificate, X509CertificateHolder issuer);
}
