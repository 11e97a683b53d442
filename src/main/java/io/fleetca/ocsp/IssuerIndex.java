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
 * public key), for CertIDs hashed with SHA-1, SHA-256, SHA-384 or SHA-512. Only issuing CAs (those
 * with a parent) are served: their certificates are the ones in the ledger.
 */
@ApplicationScoped
public class IssuerIndex {

    static final Map<ASN1ObjectIdentifier, String> DIGESTS = Map.of(
            OIWObjectIdentifiers.idSHA1, "SHA-1",
            NISTObjectIdentifiers.id_sha256, "SHA-256",
            NISTObjectIdentifiers.id_sha384, "SHA-384",
            NISTObjectIdentifiers.id_sha512, "SHA-512");

    /** A miss reloads the CA list at most this often (misses are cheap for anyone to cause). */
    private static final Duration RELOAD_AT_MOST_EVERY = Duration.ofSeconds(10);

    @Inject
    CaDirectory cas;

    @Inject
    Clock clock;

    private volatile Map<String, LoadedCa> index = Map.of();
    private volatile Instant loadedAt = Instant.EPOCH;

    public Optional<LoadedCa> find(CertificateID id) {
        String key = key(id.getHashAlgOID(), id.getIssuerNameHash(), id.getIssuerKeyHash());
        LoadedCa ca = index.get(key);
        if (ca == null && !clock.instant().isBefore(loadedAt.plus(RELOAD_AT_MOST_EVERY))) {
            reload();
            ca = index.get(key);
        }
        return Optional.ofNullable(ca);
    }

    private synchronized void reload() {
        Map<String, LoadedCa> fresh = new HashMap<>();
        for (LoadedCa ca : cas.list()) {
            if (ca.record().parentId() == null) {
                continue;
            }
            try {
                byte[] name = ca.certificate().getSubject().getEncoded(ASN1Encoding.DER);
                byte[] key = ca.certificate().getSubjectPublicKeyInfo().getPublicKeyData().getBytes();
                for (Map.Entry<ASN1ObjectIdentifier, String> d : DIGESTS.entrySet()) {
                    MessageDigest md = MessageDigest.getInstance(d.getValue());
                    byte[] nameHash = md.digest(name);
                    byte[] keyHash = md.digest(key);
                    fresh.put(key(d.getKey(), nameHash, keyHash), ca);
                }
            } catch (java.io.IOException | NoSuchAlgorithmException e) {
                throw new IllegalStateException("indexing CA " + ca.id() + " failed", e);
            }
        }
        index = Map.copyOf(fresh);
        loadedAt = clock.instant();
    }

    private static String key(ASN1ObjectIdentifier algorithm, byte[] nameHash, byte[] keyHash) {
        return algorithm.getId() + "/" + HexFormat.of().formatHex(nameHash) + "/" + HexFormat.of().formatHex(keyHash);
    }
}
