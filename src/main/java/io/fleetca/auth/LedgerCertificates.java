package io.fleetca.auth;

import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.IssuanceLedger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * TLS client certificates as credentials (EST): one counts only if FleetCA issued exactly it, byte for byte
 * the ledger's row, so a certificate of a foreign CA with the same issuer name and serial counts for nothing.
 * The TLS handshake proved possession of its key (RFC 8446 §4.4.3 CertificateVerify).
 */
@ApplicationScoped
class LedgerCertificates {

    @Inject
    IssuanceLedger ledger;

    /** The ledger row of exactly this certificate, if FleetCA issued it. */
    Optional<CertificateRecord> recordOf(byte[] der) {
        if (der == null) {
            return Optional.empty();
        }
        try {
            String serial = new X509CertificateHolder(der).getSerialNumber().toString(16);
            return ledger.findBySerial(serial).stream().filter(r -> r.der() != null && Arrays.equals(r.der(), der))
                    .findFirst();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The holder of a certificate presented as TLS client certificate. */
    static String actorOf(CertificateRecord record) {
        return record.deviceId() != null ? "device:" + record.deviceId()
                : record.stationId() != null ? "station:" + record.stationId() : "certificate:" + record.serial();
    }
}
