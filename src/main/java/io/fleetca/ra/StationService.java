package io.fleetca.ra;

import io.fleetca.common.Json;
import io.fleetca.audit.AuditEvent;
import io.fleetca.audit.AuditLog;
import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.Text;
import io.fleetca.profile.CertificateProfiles;
import io.fleetca.registry.StationRecord;
import io.fleetca.registry.StationRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.lang.JoseException;

/** Registers and disables provisioning stations. */
@ApplicationScoped
public class StationService {

    static final int MAX_RATE = 100_000;

    @Inject
    StationRegistry stations;

    @Inject
    CertificateProfiles profiles;

    @Inject
    AuditLog audit;

    @Inject
    Clock clock;

    public StationRecord register(String actor, StationRegistration r) {
        if (r.name() == null || r.name().isBlank() || r.name().length() > 128 || Text.hasControlCharacters(r.name())) {
            throw malformed("name is required (1 to 128 characters, no control characters)");
        }
        String jwk = publicJwk(r.publicKey());
        if (r.profiles() == null || r.profiles().isEmpty()) {
            throw malformed("profiles must list at least one profile");
        }
        for (String p : r.profiles()) {
            if (profiles.find(p).isEmpty()) {
                throw malformed("profile '" + p + "' does not exist; known: " + profiles.names());
            }
        }
        if (r.deviceIdPattern() == null || r.deviceIdPattern().isEmpty() || r.deviceIdPattern().length() > 512
                || Text.hasControlCharacters(r.deviceIdPattern())) {
            throw malformed("deviceIdPattern is required (a regular expression of at most 512 characters)");
        }
        try {
            Pattern.compile(r.deviceIdPattern());
        } catch (PatternSyntaxException e) {
            throw malformed("deviceIdPattern is not a valid regular expression: " + e.getDescription());
        }
        if (r.maxEnrollmentsPerHour() == null || r.maxEnrollmentsPerHour() < 1 || r.maxEnrollmentsPerHour() > MAX_RATE) {
            throw malformed("maxEnrollmentsPerHour must be between 1 and " + MAX_RATE);
        }
        Instant now = clock.instant();
        StationRecord record = new StationRecord(UUID.randomUUID().toString(), r.name().strip(), jwk,
                List.copyOf(r.profiles().stream().distinct().toList()), r.deviceIdPattern(), r.maxEnrollmentsPerHour(),
                true, now, null, Boolean.TRUE.equals(r.requireKeyBinding()));
        QuarkusTransaction.requiringNew().run(() -> {
            if (stations.nameTaken(record.name())) {
                throw new FleetCaException(ProblemType.CONFLICT, "a station named '" + record.name() + "' already exists");
            }
            stations.add(record);
            audit.append(new AuditEvent(actor, "station.registered", "station:" + record.id(),
                    Json.object("name", record.name(), "profiles", String.join(",", record.profiles()),
                            "deviceIdPattern", record.deviceIdPattern())));
        });
        return record;
    }

    public StationRecord disable(String actor, String stationId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            StationRecord before = (Text.isStationId(stationId) ? stations.find(stationId) : java.util.Optional.<StationRecord>empty())
                    .orElseThrow(() -> new FleetCaException(ProblemType.NOT_FOUND, "no such station"));
            StationRecord after = stations.disable(stationId, clock).orElseThrow();
            if (before.enabled()) {
                audit.append(new AuditEvent(actor, "station.disabled", "station:" + stationId, Json.object("name", after.name())));
            }
            return after;
        });
    }

    /** Accepts an EC P-256 or RSA (2048 bits or more) public JWK and returns its public-only JSON. */
    private static String publicJwk(String json) {
        if (json == null || json.isBlank() || json.length() > 4096) {
            throw malformed("publicKey must be a public JWK (RFC 7517) of at most 4096 characters");
        }
        JsonWebKey jwk;
        try {
            jwk = JsonWebKey.Factory.newJwk(json);
        } catch (JoseException | RuntimeException e) {
            throw malformed("publicKey is not a valid JWK");
        }
        if (jwk instanceof EllipticCurveJsonWebKey ec) {
            if (ec.getPrivateKey() != null) {
                throw malformed("publicKey contains a private key ('d'); send the public key only");
            }
            if (!EllipticCurves.P_256.equals(ec.getCurveName())) {
                throw malformed("publicKey must be an EC P-256 or RSA key");
            }
            // SEC 1 v2 §3.2.2.1: the point must lie on P-256 (jose4j does not check), or signatures prove nothing.
            java.security.spec.ECPoint w = ec.getECPublicKey().getW();
            try {
                org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1").getCurve()
                        .validatePoint(w.getAffineX(), w.getAffineY());
            } catch (IllegalArgumentException e) {
                throw malformed("publicKey is not a valid point on P-256");
            }
        } else if (jwk instanceof RsaJsonWebKey rsa) {
            if (rsa.getPrivateKey() != null) {
                throw malformed("publicKey contains a private key; send the public key only");
            }
            if (rsa.getRsaPublicKey().getModulus().bitLength() < 2048) {
                throw malformed("RSA station keys must have at least 2048 bits");
            }
        } else {
            throw malformed("publicKey must be an EC P-256 or RSA key");
        }
        return ((PublicJsonWebKey) jwk).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    private static FleetCaException malformed(String detail) {
        return new FleetCaException(ProblemType.MALFORMED_REQUEST, detail);
    }
}
