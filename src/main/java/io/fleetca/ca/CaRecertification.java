package io.fleetca.ca;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.keys.KeyStoreUnavailableException;
import io.fleetca.registry.CaRecord;
import io.fleetca.registry.CaRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Re-certifies an issuing CA under its parent with the same key and subject: the new certificate gains
 * what the old one lacks (the parent's CRL and OCSP pointers) while every certificate the CA already
 * issued still chains to it (same subject, same key, so the same SKI/AKI; RFC 5280 §4.2.1.1). The old CA
 * certificate stays valid until it expires: devices holding it keep working.
 */
@ApplicationScoped
public class CaRecertification {

    @Inject
    CaDirectory directory;

    @Inject
    CaRegistry registry;

    @Inject
    SubordinateCaCertificates subordinates;

    @Inject
    Clock clock;

    /**
     * Steps: check the CA and its parent; keep the old notAfter unless a validity is given (never past the
     * parent's); reserve, build and sign under the parent ({@link SubordinateCaCertificates}); record the
     * ledger row, the CA's new certificate and the caller's audit event in one transaction.
     */
    public CaRecord recertify(String caId, Optional<Duration> validity, Consumer<CaRecord> inSameTransaction) {
        LoadedCa ca = directory.findFresh(caId)
                .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no such CA"));
        if (ca.record().parentId() == null) {
            throw new FleetCaException(ProblemType.CONFLICT,
                    "CA " + caId + " is a root: it is self-signed and has no parent to certify it again");
        }
        if (ca.record().revoked()) {
            throw new FleetCaException(ProblemType.CA_REVOKED, "CA " + caId + " was revoked; it cannot be certified again");
        }
        LoadedCa parent = directory.findFresh(ca.record().parentId()).orElseThrow();
        Instant now = clock.instant();
        Instant notBefore = max(now.minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS), parent.record().notBefore());
        Instant notAfter = validity.map(v -> now.plus(v).truncatedTo(ChronoUnit.SECONDS)).orElse(ca.record().notAfter());
        if (notAfter.isAfter(parent.record().notAfter())) {
            notAfter = parent.record().notAfter(); // RFC 5280 §6.1.3: never outlive the parent
        }
        if (!notAfter.isAfter(now)) {
            throw new FleetCaException(ProblemType.CONFLICT, "CA " + caId + " or its parent has expired");
        }
        try {
            SubordinateCaCertificates.Signed signed = subordinates.sign(parent, ca.certificate().getSubject(),
                    ca.certificate().getSubjectPublicKeyInfo(), notBefore, notAfter);
            byte[] der = signed.certificate().getEncoded();
            CaRecord after = new CaRecord(ca.id(), ca.record().parentId(), ca.record().subject(), ca.record().keyAlias(),
                    ca.record().keyAlgorithm(), notBefore, notAfter, der, Text.sha256Hex(der), ca.record().createdAt());
            QuarkusTransaction.requiringNew().run(() -> {
                subordinates.record(signed);
                registry.replaceCertificate(after);
                inSameTransaction.accept(after);
            });
            directory.forget();
            return after;
        } catch (KeyStoreUnavailableException e) {
            throw new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE,
                    "the key store is unavailable; retry later", Duration.ofSeconds(5));
        } catch (IOException e) {
            throw new IllegalStateException("encoding the CA certificate failed", e);
        }
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
