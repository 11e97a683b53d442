package io.fleetca.ca.lint;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * RFC 5280 §5.1.2.1: a CRL with extensions is version 2; §5.2: only extensions FleetCA means to write
 * (AKI, CRL number, delta CRL indicator, freshest CRL), each once (X.509 §7.3). An unknown extension, critical
 * or not, is a bug in FleetCA's CRL assembly; a relying party would reject a critical one (§5.2).
 */
public final class CrlExtensionsLint implements CrlLint {

    private static final Set<ASN1ObjectIdentifier> KNOWN = Set.of(Extension.authorityKeyIdentifier, Extension.cRLNumber,
            Extension.deltaCRLIndicator, Extension.freshestCRL);

    @Override
    public Optional<String> check(X509CRLHolder crl, X509CertificateHolder issuer) {
        if (crl.toASN1Structure().getTBSCertList().getVersionNumber() != 2) {
            return Optional.of("a CRL with extensions must be version 2");
        }
        Extensions extensions = crl.getExtensions();
        Set<ASN1ObjectIdentifier> seen = new HashSet<>();
        for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
            if (!KNOWN.contains(oid)) {
                return Optional.of("unexpected extension " + oid.getId());
            }
            if (!seen.add(oid)) {
                return Optional.of("extension " + oid.getId() + " appears twice");
            }
        }
        return Optional.empty();
    }
}
