package io.fleetca.ocsp;

import io.fleetca.ca.CaDirectory;
import io.fleetca.ca.LoadedCa;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.cert.ocsp.CertificateID;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Finds the issuing CA a CertID names (RFC 6960 §4.1.1: hashes of the issuer's name and of its
 * public key), for CertIDs hashed with SHA-1, SHA-256, SHA-384 or SHA-512. Every CA is served: issuing CAs
 * answer for the certificates they issue, roots for the issuing CAs' certificates (ledger rows of the root),
 * so a validator checking the whole path below the trust anchor gets an answer for each link.
 */
@ApplicationScoped
public class IssuerIndex {

    static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
            OIWObjectIdentifiers.idSHA1, "SHA-1",
            NISTObjectIdentifiers.id_sha256, "SHA-256",
            NISTObjectIdentifiers.id_sha384, "SHA-384",
            NISTObjectIdentifiers.id_sha512, "SHA-512");

    /**
     * A miss reloads the CA list at most this often (misses are cheap for anyone to cause), or at once after
     * this instance created a CA; a CA created by another instance is served within this time.
     */
    private static final Duration RELOAD_AT_MOST_EVERY = Duration.ofSeconds(10);

    @Inject
    CaDirectory cas;

    @Inject
    Clock clock;

    /** CertID issuer hashes to CA ids; the CA itself comes from the directory (its state may change). */
    private volatile Map<String, String> index = Map.of();
    private volatile Instant loadedAt = Instant.EPOCH;
    /** CaDirectory#changes when the index was built: a CA created here is indexed on the next miss. */
    private volatile long indexedChanges = -1;

    public Optional<LoadedCa> find(CertificateID id) {
        String key = key(id.getHashAlgOID(), id.getIssuerNameHash(), id.getIssuerKeyHash());
        String caId = index.get(key);
        if (caId == null && (indexedChanges != cas.changes()
                || !clock.instant().isBefore(loadedAt.plus(RELOAD_AT_MOST_EVERY)))) {
            reload();
            caId = index.get(key);
        }
        return caId == null ? Optional.empty() : cas.find(caId);
    }

    private synchronized void reload() {
        long changes = cas.changes();
        Map<String, String> fresh = new HashMap<>();
        for (LoadedCa ca : cas.list()) {
            try {
                byte[] name = ca.certificate().getSubject().getEncoded(ASN1Encoding.DER);
                byte[] key = ca.certificate().getSubjectPublicKeyInfo().getPublicKeyData().getBytes();
                for (Map.Entry<ASN1ObjectIdentifier, String> d : DIGESTS.entrySet()) {
                    MessageDigest md = MessageDigest.getInstance(d.getValue());
                    byte[] nameHash = md.digest(name);
                    byte[] keyHash = md.digest(key);
                    fresh.put(key(d.getKey(), nameHash, keyHash), ca.id());
                }
            } catch (java.io.IOException | NoSuchAlgorithmException e) {
                throw new IllegalStateException("indexing CA " + ca.id() + " failed", e);
            }
        }
        index = Map.copyOf(fresh);
        loadedAt = clock.instant();
        indexedChanges = changes;
    }

    private static String key(ASN1ObjectIdentifier algorithm, byte[] nameHash, byte[] keyHash) {
        return algorithm.getId() + "/" + HexFormat.of().formatHex(nameHash) + "/" + HexFormat.of().formatHex(keyHash);
    }
}
