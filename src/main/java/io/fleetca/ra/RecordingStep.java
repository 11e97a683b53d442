package io.fleetca.ra;

import io.fleetca.registry.CertificateRecord;

/**
 * What the RA does in the transaction that records a certificate the CA signed: its audit event, a code
 * used up, a predecessor superseded. The CA runs it and knows nothing of what it does; an exception from
 * either method rolls the recording back, and the certificate is then never returned.
 */
@FunctionalInterface
public interface RecordingStep {

    /**
     * First in the recording transaction, before the certificate's ledger row and its device are locked, so
     * the locks come in the order revocations and a station's disable take them: the revocation clock (a
     * renewal), the station (still enabled), then the ledger's device and certificates.
     */
    default void beforeRecording() {}

    /** After the certificate is recorded as issued, in the same transaction. */
    void recorded(CertificateRecord record);
}
