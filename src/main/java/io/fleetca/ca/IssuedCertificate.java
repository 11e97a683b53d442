package io.fleetca.ca;

import io.fleetca.registry.CertificateRecord;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/** A recorded certificate and its chain (issuing CA up to the root). */
public record IssuedCertificate(CertificateRecord record, X509CertificateHolder certificate,
                                List<X509CertificateHolder> chain) {}
