package io.fleetca.ca.lint;

import java.util.Optional;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * One RFC 5280 §5 rule checked on a CRL before the key store signs it (Boulder's lint_crl_* are the model).
 * The CRL given is the frame FleetCA is about to sign: its header and extensions, with a placeholder
 * signature; the revoked certificates are encoded from ledger rows by CrlDraft and tested there.
 */
public interface CrlLint {

    /** The problem found, or empty when the CRL satisfies this rule. */
    Optional<String> check(X509CRLHolder crl, X509CertificateHolder issuer);
}
