package io.fleetca.auth;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.List;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;

/**
 * Verifies admin and auditor JWTs against the JWKS named by fleetca.auth.admin-jwks:
 * RS256 or ES256, iss = fleetca.auth.admin-issuer, aud contains fleetca, exp at most one hour
 * ahead and at most one hour after iat, a sub naming the operator (the audit log's actor), and a
 * groups claim with admin or auditor.
 *
 * <p>Admin tokens are bearer tokens, usable for several calls until exp (no single-use jti): operators
 * run several calls with one token (README walk-through, admin-token.sh mints 15-minute tokens), the
 * REST listener is reached only over TLS, and a replayed token acts as the sub the audit log records.
 * README "Admin tokens" says why in full.
 */
@ApplicationScoped
public class AdminTokenVerifier {

    static final int MAX_LIFETIME_SECONDS = 3600;
    /** The audit actor is "admin:" + sub, at most 256 characters. */
    static final int MAX_SUBJECT_LENGTH = 200;
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AdminTokenVerifier.class);

    @Inject
    AuthConfig config;

    @Inject
    Clock clock;

    private volatile VerificationKeyResolver httpsResolver;
    private volatile FileResolver fileResolver;

    private record FileResolver(FileTime modified, VerificationKeyResolver resolver) {}

    Caller verify(String token) {
        TokenHeader.parse(token).refuseUnsafeAlgorithms();
        JwtConsumer consumer = new JwtConsumerBuilder()
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256)
                .setVerificationKeyResolver(resolver())
                .setExpectedIssuer(config.adminIssuer())
                .setExpectedAudience(config.audience())
                .setRequireExpirationTime()
                .setMaxFutureValidityInMinutes(MAX_LIFETIME_SECONDS / 60)
                .setAllowedClockSkewInSeconds((int) config.clockSkew().toSeconds())
                .build();
        JwtClaims claims;
        try {
            claims = consumer.processToClaims(token);
        } catch (InvalidJwtException e) {
            throw JwtFailures.explain(e, config.adminIssuer());
        }
        try {
            if (claims.getIssuedAt() != null
                    && claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue() > MAX_LIFETIME_SECONDS) {
                throw Unauthorized.because("admin tokens may live at most one hour (exp - iat)");
            }
            List<String> groups = claims.hasClaim("groups") ? claims.getStringListClaimValue("groups") : List.of();
            // RFC 7519 §4.1.2: sub names who is calling; every change is audited under it, so it is required.
            String subject = claims.getSubject();
            if (subject == null || subject.isBlank()) {
                throw Unauthorized.because("admin tokens must carry sub (the operator's name, recorded in the audit log)");
            }
            if (subject.length() > MAX_SUBJECT_LENGTH || subject.chars().anyMatch(Character::isISOControl)) {
                throw Unauthorized.because("sub must be 1 to " + MAX_SUBJECT_LENGTH + " characters without control characters");
            }
            if (groups.contains("admin")) {
                return Caller.operator(Caller.Role.ADMIN, subject);
            }
            if (groups.contains("auditor")) {
                return Caller.operator(Caller.Role.AUDITOR, subject);
            }
            throw new FleetCaException(ProblemType.FORBIDDEN, "the token's groups contain neither admin nor auditor");
        } catch (MalformedClaimException e) {
            throw Unauthorized.because("the sub claim must be a string and groups a list of strings");
        }
    }

    /** CONVENTIONS §3: a wrong setting stops start-up instead of failing every admin request. */
    void checkConfiguration(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        config.adminJwks().ifPresent(jwks -> {
            if (jwks.startsWith("http://")) {
                throw new IllegalStateException("fleetca.auth.admin-jwks must be an https URL or a file path, not http");
            }
            if (!jwks.startsWith("https://")) {
                if (!Files.exists(Path.of(jwks))) {
                    // Allowed (the development walk-through writes it after start); the file is read when it appears.
                    LOG.warnf("fleetca.auth.admin-jwks names %s, which does not exist yet: no admin can log in until it does", jwks);
                    return;
                }
                try {
                    resolver();
                } catch (IllegalStateException e) {
                    throw new IllegalStateException("fleetca.auth.admin-jwks names " + jwks
                            + ", which is not a readable JWKS file");
                }
            }
        });
    }

    private VerificationKeyResolver resolver() {
        String jwks = config.adminJwks().orElseThrow(() ->
                Unauthorized.because("admin authentication is not configured (fleetca.auth.admin-jwks)"));
        if (jwks.startsWith("https://")) {
            VerificationKeyResolver r = httpsResolver;
            if (r == null) {
                HttpsJwks source = new HttpsJwks(jwks);
                // A removed (compromised) admin key stops working within minutes, not jose4j's default hour.
                source.setDefaultCacheDuration(300);
                HttpsJwksVerificationKeyResolver https = new HttpsJwksVerificationKeyResolver(source);
                https.setDisambiguateWithVerifySignature(true);
                r = https;
                httpsResolver = r;
            }
            return r;
        }
        // A file is re-read when it changes, so keys can rotate without a restart.
        Path path = Path.of(jwks);
        if (!Files.exists(path)) {
            throw Unauthorized.because("admin authentication is not available: the JWKS named by fleetca.auth.admin-jwks is missing");
        }
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            FileResolver cached = fileResolver;
            if (cached == null || !cached.modified().equals(modified)) {
                JwksVerificationKeyResolver resolver = new JwksVerificationKeyResolver(
                        new JsonWebKeySet(Files.readString(path)).getJsonWebKeys());
                // Tokens without a kid: try each candidate key rather than only the first.
                resolver.setDisambiguateWithVerifySignature(true);
                cached = new FileResolver(modified, resolver);
                fileResolver = cached;
            }
            return cached.resolver();
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("cannot read the admin JWKS named by fleetca.auth.admin-jwks", e);
        }
    }
}
