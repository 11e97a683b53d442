package io.fleetca.ra;

import io.fleetca.ca.CertificateSigner;
import io.fleetca.ca.IssuanceRequest;
import io.fleetca.ca.Validity;
import io.fleetca.registry.CertificateRecord;
import io.fleetca.registry.IssuanceLedger;
import io.fleetca.registry.OneTimeToken;
import io.fleetca.registry.SerialReservation;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * The back half of every issuance (steps 5 to 7 of {@link IssuancePipeline}), the same for device, station
 * and FleetCA's own certificates. ARCHITECTURE.md, "The issuance cycle":
 * <ol start="5">
 *   <li>reserve a random serial, and commit it, before the HSM is asked anything; the station token's jti
 *       is used up in the same transaction, and what depends on shared state is decided there
 *       ({@link LedgerRefusals});</li>
 *   <li>sign: the CA builds, lints and signs the TBS and verifies the HSM's signature
 *       ({@link CertificateSigner});</li>
 *   <li>record the DER and run the RA's {@link RecordingStep} in one transaction; only after that commit
 *       is the certificate returned. A refusal there rolls back: the certificate never leaves, its serial
 *       stays reserved and never issued.</li>
 * </ol>
 */
@ApplicationScoped
class CertificateIssuance {

    @Inject
    IssuanceLedger ledger;

    @Inject
    CertificateSigner signer;

    @Inject
    Clock clock;

    /**
     * {@code token}: the station token's jti to use up with the reservation (null: none). {@code renewal}: a
     * valid certificate of the same device, key and profile does not make this an idempotent retry.
     */
    EnrollmentResult issue(IssuanceRequest request, OneTimeToken token, boolean renewal, RecordingStep step) {
        Instant now = clock.instant();
        Validity validity = signer.validity(request, now);

        // 5. Reserve (own committed transaction).
        IssuanceLedger.Reserved reserved = ledger.reserveNewSerial(serial -> new SerialReservation(request.issuer().id(),
                serial.hex(), request.deviceId(), request.stationId(), request.profile().name(), request.spkiSha256(),
                validity.notBefore(), validity.notAfter(), renewal, token), now);
        switch (reserved.outcome()) {
            case RESERVED -> { }
            case ALREADY_ISSUED -> { return existing(request, now); }
            default -> throw LedgerRefusals.reservation(reserved.outcome(), request, ledger);
        }

        // 6. Sign.
        X509CertificateHolder certificate = signer.sign(request, reserved.serial(), validity);

        // 7. Record, with the RA's step, in one transaction.
        byte[] der = encoded(certificate);
        CertificateRecord record = QuarkusTransaction.requiringNew().call(() -> {
            step.beforeRecording();
            IssuanceLedger.Recorded recorded = ledger.recordIssued(request.issuer().id(), reserved.serial().hex(), der,
                    clock.instant());
            if (recorded.record() == null) {
                throw LedgerRefusals.recording(recorded.refusal(), request);
            }
            step.recorded(recorded.record());
            return recorded.record();
        });
        return new EnrollmentResult(record, certificate, request.issuer().chain(), true);
    }

    /** The valid certificate an identical earlier (or concurrent) request got: returned again, not a second one. */
    private EnrollmentResult existing(IssuanceRequest request, Instant now) {
        CertificateRecord record = ledger.issuedFor(request.deviceId(), request.spkiSha256(), request.profile().name())
                .stream().filter(c -> c.validAt(now)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the ledger reported an issued certificate that is gone"));
        try {
            return new EnrollmentResult(record, new X509CertificateHolder(record.der()), request.issuer().chain(), false);
        } catch (IOException e) {
            throw new IllegalStateException("stored certificate does not parse", e);
        }
    }

    private static byte[] encoded(X509CertificateHolder certificate) {
        try {
            return certificate.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("encoding the certificate failed", e);
        }
    }
}
