package io.fleetca.ca;

import io.fleetca.common.SerialNumber;
import io.fleetca.registry.CaLedger;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * At start, puts the certificates of issuing CAs created before CA certificates were ledger rows into
 * their parent's ledger, so the parent's OCSP responder and CRLs answer for them (idempotent; a no-op once
 * done). Their certificates still lack revocation pointers: {@code POST /api/v1/cas/{caId}/recertify}
 * gives them a certificate that has them, with the same key.
 */
@ApplicationScoped
public class CaLedgerBackfill {

    private static final Logger LOG = Logger.getLogger(CaLedgerBackfill.class);

    @Inject
    CaDirectory directory;

    @Inject
    CaLedger ledger;

    void onStart(@Observes @Priority(10) StartupEvent event) {
        backfill();
    }

    /** Returns how many CA certificates were added to their parent's ledger. */
    public int backfill() {
        int count = 0;
        for (LoadedCa ca : directory.list()) {
            if (ca.record().parentId() == null) {
                continue;
            }
            try {
                var cert = ca.certificate();
                boolean added = ledger.recordExisting(ca.record().parentId(), new SerialNumber(cert.getSerialNumber()).hex(),
                        ca.spkiSha256(),
                        cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), cert.getEncoded(),
                        ca.record().createdAt());
                if (added) {
                    count++;
                    LOG.infof("CA certificate of %s recorded in the ledger of %s; certify it again"
                            + " (POST /api/v1/cas/%s/recertify) to give it CRL and OCSP pointers", ca.id(),
                            ca.record().parentId(), ca.id());
                }
            } catch (IOException e) {
                throw new IllegalStateException("encoding the certificate of CA " + ca.id() + " failed", e);
            }
        }
        return count;
    }
}
