package io.fleetca.ocsp;

import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.LoadedCa;
import io.fleetca.ca.ResponderCertificates;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.SerialNumber;
import io.fleetca.registry.ResponderRecord;
import io.fleetca.registry.ResponderStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcDigestCalculatorProvider;
import org.jboss.logging.Logger;

/**
 * The current delegated responder of each CA (roots answer for their issuing CAs' certificates). A responder is created on first use and
 * replaced once less than fleetca.ocsp.responder-renew-before of it is left (checked hourly and on
 * use); the database decides which instance creates it, so all instances sign with the same one.
 */
@ApplicationScoped
public class Responders {

    private static final Logger LOG = Logger.getLogger(Responders.class);
    private static final io.fleetca.common.LogThrottle MISSING_LOGGED = new io.fleetca.common.LogThrottle(Duration.ofMinutes(1));
    /** A reservation without a certificate younger than this is another instance still creating it. */
    private static final Duration CREATION_WINDOW = Duration.ofMinutes(2);

    /** A responder ready to sign: its key alias, certificate and RFC 6960 §4.2.1 ResponderID byKey. */
    public record Responder(String caId, String keyAlias, X509CertificateHolder certificate, RespID responderId,
                            Instant notAfter) {}

    @Inject
    ResponderStore store;

    @Inject
    ResponderCertificates certificates;

    @Inject
    CaDirectory cas;

    @Inject
    OcspConfig config;

    @Inject
    Clock clock;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Responder> current = new ConcurrentHashMap<>();

    /**
     * The CA's responder; tryLater (503 type) if none can be had now, CA_REVOKED once a revoked CA's last
     * responder has expired (a revoked CA certifies no new responder).
     */
    /** The alias of the CA's current responder key, without creating or renewing one; null when there is none. */
    String currentAlias(LoadedCa ca) {
        Responder r = current.get(ca.id());
        return r != null && isCurrent(r.notAfter(), ca, clock.instant()) ? r.keyAlias() : null;
    }

    public Responder forCa(LoadedCa ca) {
        Responder r = current.get(ca.id());
        if (r != null && isCurrent(r.notAfter(), ca, clock.instant())) {
            return r;
        }
        return refresh(ca).orElseThrow(() -> ca.record().revoked()
                ? new FleetCaException(ProblemType.CA_REVOKED, "CA " + ca.id() + " was revoked")
                : new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE,
                "no OCSP responder certificate is available for CA " + ca.id(), Duration.ofSeconds(5)));
    }

    @Scheduled(every = "1h", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void renewAll() {
        for (LoadedCa ca : cas.list()) {
            try {
                refresh(ca);
                removeExpiredKeys(ca);
            } catch (RuntimeException e) {
                LOG.errorf(e, "OCSP responder of CA %s not renewed", ca.id());
            }
        }
    }

    private synchronized Optional<Responder> refresh(LoadedCa ca) {
        Instant now = clock.instant();
        Optional<ResponderRecord> newest = store.newest(ca.id());
        if (newest.isEmpty() || !isCurrent(newest.get().notAfter(), ca, now)) {
            create(ca, now, null);
            newest = store.newest(ca.id());
        }
        Optional<Responder> usable = newest.filter(r -> now.isBefore(r.notAfter())).map(this::toResponder);
        usable.ifPresent(r -> current.put(ca.id(), r));
        return usable;
    }

    /**
     * The key of responder {@code alias} is gone from the token, which answers (deleted by hand, or a
     * token restored from an older backup). The database still names that responder, so every instance
     * would fail with it until its renewal, days away: forget it and, when it is still the CA's newest,
     * create a successor now (the database decides which instance does; it needs the CA's key).
     */
    public synchronized void replaceMissingKey(String caId, String alias) {
        current.values().removeIf(r -> r.keyAlias().equals(alias));
        Optional<LoadedCa> ca = cas.find(caId);
        Optional<ResponderRecord> newest = store.newest(caId);
        if (ca.isPresent() && newest.isPresent() && newest.get().keyAlias().equals(alias)) {
            if (MISSING_LOGGED.shouldLog(alias)) { // a token without its objects meets this on every request
                LOG.errorf("The key of OCSP responder %s of CA %s is not in the key store; creating a successor", alias, caId);
            }
            create(ca.get(), clock.instant(), alias);
        }
    }

    private void create(LoadedCa ca, Instant now, String replacedAlias) {
        if (ca.record().revoked()) {
            return; // a revoked CA issues nothing more, responder certificates included
        }
        SerialNumber serial = SerialNumber.random(random);
        String alias = certificates.aliasFor(ca.id(), serial.hex());
        Instant notBefore = now.minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
        if (notBefore.isBefore(ca.record().notBefore())) {
            notBefore = ca.record().notBefore(); // RFC 5280 §6.1.3: within the CA's validity (ValidityLint)
        }
        Instant notAfter = now.plus(config.responderValidity()).truncatedTo(ChronoUnit.SECONDS);
        if (notAfter.isAfter(ca.record().notAfter())) {
            notAfter = ca.record().notAfter();
        }
        ResponderRecord reservation = new ResponderRecord(ca.id(), serial.hex(), alias, notBefore, notAfter, null, now);
        // The serial and alias are committed before the CA signs (the issuance invariant).
        Instant neededUntil = min(now.plus(renewBefore()), ca.record().notAfter());
        if (!store.reserve(reservation, neededUntil, now.minus(CREATION_WINDOW), replacedAlias)) {
            return;
        }
        try {
            X509CertificateHolder cert = certificates.issue(ca, serial.value(), alias, notBefore, notAfter);
            store.recordIssued(alias, cert.getEncoded());
            LOG.infof("OCSP responder certificate %s for CA %s, valid until %s", serial.hex(), ca.id(), notAfter);
        } catch (IOException e) {
            throw new IllegalStateException("encoding the responder certificate failed", e);
        }
    }

    /**
     * A responder needs no successor while more than the renewal margin is left, or when it already
     * lasts as long as its CA (no successor could last longer).
     */
    private boolean isCurrent(Instant notAfter, LoadedCa ca, Instant now) {
        return now.isBefore(notAfter)
                && (now.isBefore(notAfter.minus(renewBefore())) || !notAfter.isBefore(ca.record().notAfter()));
    }

    /** The renewal margin, at most half the validity (else every responder would be due at once). */
    private Duration renewBefore() {
        Duration half = config.responderValidity().dividedBy(2);
        return config.responderRenewBefore().compareTo(half) > 0 ? half : config.responderRenewBefore();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Keys of responders that expired more than a day ago are removed from the token. */
    private void removeExpiredKeys(LoadedCa ca) {
        for (ResponderRecord old : store.expired(ca.id(), clock.instant().minus(Duration.ofDays(1)))) {
            certificates.deleteKey(old.keyAlias());
            store.delete(old.keyAlias());
        }
    }

    private Responder toResponder(ResponderRecord r) {
        try {
            X509CertificateHolder cert = new X509CertificateHolder(r.der());
            DigestCalculator sha1 = new BcDigestCalculatorProvider().get(RespID.HASH_SHA1);
            return new Responder(r.caId(), r.keyAlias(), cert, new RespID(cert.getSubjectPublicKeyInfo(), sha1), r.notAfter());
        } catch (IOException | OperatorCreationException | OCSPException e) {
            throw new IllegalStateException("stored responder certificate of CA " + r.caId() + " is unusable", e);
        }
    }
}
