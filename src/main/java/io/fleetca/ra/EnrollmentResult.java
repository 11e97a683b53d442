package io.fleetca.ra;

import io.fleetca.registry.CertificateRecord;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * An issued certificate as recorded, with its chain (issuing CA up to the root). {@code created} is false
 * when an earlier, still valid certificate for the same device, key and profile was returned instead of
 * signing another (an idempotent retry, or an identical request that won the race).
 */
public record EnrollmentResult(CertificateRecord record, X509CertificateHolder certificate,
                               List<X509CertificateHolder> chain, boolean created) {

    /** The certificate's DER as recorded: the bytes that leave (encoding the holder again would walk its whole tree). */
    public byte[] der() {
        return record.der();
    }
}
