package io.fleetca.ca;

import io.fleetca.common.RevocationReasons;
import io.fleetca.registry.CertificateState;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;

/** The OCSP CertStatus (RFC 6960 §2.2, §4.2.1) of a ledger state. */
public final class OcspStatuses {

    private OcspStatuses() {}

    public static CertificateStatus of(Optional<CertificateState> state) {
        if (state.isEmpty() || state.get().status() == io.fleetca.registry.CertificateStatus.RESERVED) {
            return new UnknownStatus(); // RFC 6960 §2.2: never issued by this CA
        }
        CertificateState s = state.get();
        if (s.status() == io.fleetca.registry.CertificateStatus.REVOKED) {
            Date at = Date.from(s.revokedAt());
            // RFC 5280 §5.3.1: the reason code is omitted rather than given as unspecified.
            return "unspecified".equals(s.reason()) ? new RevokedStatus(at) : new RevokedStatus(at, RevocationReasons.code(s.reason()));
        }
        return CertificateStatus.GOOD;
    }
}
