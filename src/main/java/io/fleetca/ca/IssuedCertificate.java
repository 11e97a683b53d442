package io.fleetca.ca;

import io.fleetca.registry.CertificateRecord;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A recorded certificate and its chain (issuing CA up to the root). {@code created} is false when
 * an identical request won the race and its certificate is returned instead of signing another.
 */
public record IssuedCertificate(CertificateRecord record, X509CertificateHolder certificate,
                                List<X509CertificateHolder> chain, boolean created) {}
