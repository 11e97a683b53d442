package io.fleetca.ra;

import io.fleetca.common.Json;
import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.CaFactory;
import io.fleetca.ca.CaSpec;
import io.fleetca.ca.LoadedCa;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.registry.CaRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.fleetca.ca.CaRecertification;
import io.fleetca.ca.PreproducedOcspResponses;
import io.fleetca.common.SerialNumber;
import io.fleetca.common.Text;
import io.fleetca.registry.CaLedger;
import io.fleetca.registry.IssuanceLedger;
import io.fleetca.registry.PreproducedOcspStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Admin operations on CAs: listing, creating roots and issuing CAs with keys generated in the HSM,
 * certifying an issuing CA again with the same key, and the key-ceremony step that pre-produces OCSP
 * responses for the CA certificates a CA issued.
 */
@ApplicationScoped
public class CaAdministration {

    static final int MAX_VALIDITY_DAYS = 36500;

    @Inject
    CaFactory factory;

    @Inject
    CaDirectory directory;

    @Inject
    AuditLog audit;

    @Inject
    CaRecertification recertification;

    @Inject
    PreproducedOcspResponses preproduced;

    @Inject
    CaLedger caLedger;

    @Inject
    IssuanceLedger ledger;

    @Inject
    PreproducedOcspStore preproducedStore;

    @Inject
    Clock clock;

    public List<CaRecord> list() {
        return directory.list().stream().map(LoadedCa::record).toList();
    }

    public Optional<CaRecord> find(String id) {
        return directory.find(id).map(LoadedCa::record);
    }

    public CaRecord create(String actor, String id, String subject, String parentId, String keyAlgorithm, Integer validityDays) {
        int days = validityDays == null ? (parentId == null ? 7300 : 3650) : validityDays;
        if (days < 1 || days > MAX_VALIDITY_DAYS) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "validityDays must be between 1 and " + MAX_VALIDITY_DAYS);
        }
        if (subject == null || subject.isBlank()) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "subject is required");
        }
        return factory.create(new CaSpec(id, subject, Optional.ofNullable(parentId),
                        keyAlgorithm == null ? "EC_P256" : keyAlgorithm, Duration.ofDays(days)),
                record -> audit.append(new AuditEvent(actor, "ca.created", "ca:" + record.id(), Json.object(
                        "subject", record.subject(), "parent", record.parentId(), "keyAlgorithm", record.keyAlgorithm(),
                        "sha256", record.sha256())))).record();
    }

    public CaRecord recertify(String actor, String caId, Integer validityDays) {
        if (validityDays != null && (validityDays < 1 || validityDays > MAX_VALIDITY_DAYS)) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST, "validityDays must be between 1 and " + MAX_VALIDITY_DAYS);
        }
        if (!Text.isCaId(caId)) {
            throw new FleetCaException(ProblemType.NOT_FOUND, "no such CA");
        }
        return recertification.recertify(caId, Optional.ofNullable(validityDays).map(Duration::ofDays),
                record -> audit.append(new AuditEvent(actor, "ca.recertified", "ca:" + record.id(), Json.object(
                        "parent", record.parentId(), "notAfter", record.notAfter().toString(), "sha256", record.sha256()))));
    }

    /** What a pre-production stored: how many responses, for how many certificates, valid until when. */
    public record PreproducedSet(String caId, int certificates, int responses, Instant thisUpdate, Instant nextUpdate) {}

    /**
     * Key-ceremony step (RFC 6960 §2.5): with the CA's key online, signs OCSP responses for every unexpired CA
     * certificate the CA issued, valid for {@code validityDays} (default 90, at most 366), and stores them,
     * replacing earlier ones. FleetCA serves them for as long as they are valid and the ledger state they
     * were made for still holds, so the key may then go offline until the next ceremony.
     */
    public PreproducedSet preProduceOcsp(String actor, String caId, Integer validityDays) {
        int days = validityDays == null ? 90 : validityDays;
        if (days < 1 || days > PreproducedOcspResponses.MAX_VALIDITY.toDays()) {
            throw new FleetCaException(ProblemType.MALFORMED_REQUEST,
                    "validityDays must be between 1 and " + PreproducedOcspResponses.MAX_VALIDITY.toDays());
        }
        LoadedCa ca = (Text.isCaId(caId) ? directory.findFresh(caId) : Optional.<LoadedCa>empty())
                .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no such CA"));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant nextUpdate = now.plus(Duration.ofDays(days));
        if (nextUpdate.isAfter(ca.record().notAfter())) {
            nextUpdate = ca.record().notAfter();
        }
        List<PreproducedOcspResponses.Target> targets = caLedger.caCertificateSerials(caId, now).stream()
                .map(serial -> new PreproducedOcspResponses.Target(new BigInteger(serial, 16), ledger.state(caId, serial)))
                .toList();
        List<PreproducedOcspResponses.Produced> produced = preproduced.produce(ca, targets, now, nextUpdate);
        Instant until = nextUpdate;
        QuarkusTransaction.requiringNew().run(() -> {
            preproducedStore.replace(caId, produced.stream().map(p -> new PreproducedOcspStore.Row(p.certIdDer(),
                    new SerialNumber(p.serial()).hex(), p.state(), now, until, p.der())).toList());
            audit.append(new AuditEvent(actor, "ocsp.pre-produced", "ca:" + caId, Json.object(
                    "certificates", Integer.toString(targets.size()), "responses", Integer.toString(produced.size()),
                    "nextUpdate", until.toString())));
        });
        return new PreproducedSet(caId, targets.size(), produced.size(), now, until);
    }
}
