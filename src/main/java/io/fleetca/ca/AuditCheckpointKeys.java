package io.fleetca.ca;

import io.fleetca.common.SerialNumber;
import io.fleetca.keys.CaKeyStore;
import io.fleetca.keys.KeyAlgorithm;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;

/**
 * The key that signs audit checkpoints: generated inside the key store (it never leaves it), stored with a
 * self-signed certificate only so that the store keeps its public half next to it. Verification reads the
 * public key from the key store, never from the database a checkpoint could be forged in.
 */
@ApplicationScoped
public class AuditCheckpointKeys {

    static final String ALIAS_PREFIX = "fleetca-audit-";
    private static final KeyAlgorithm ALGORITHM = KeyAlgorithm.EC_P256;

    @Inject
    CaKeyStore keys;

    @Inject
    Clock clock;

    private final SecureRandom random = new SecureRandom();

    /** Creates a checkpoint key and returns its alias. */
    public String create() {
        CaKeyStore.PendingKey key = keys.generate(ALGORITHM);
        try {
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            X500Name name = new X500Name("CN=FleetCA audit checkpoints");
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded());
            X509v3CertificateBuilder b = new X509v3CertificateBuilder(name, SerialNumber.random(random).value(),
                    Date.from(now), Date.from(now.plus(36500, ChronoUnit.DAYS)), name, spki);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(HsmContentSigner.forPendingKey(key, ALGORITHM.signatureAlgorithm())));
            String alias = ALIAS_PREFIX + SerialNumber.random(random).hex().substring(0, 12);
            keys.store(alias, key, new X509Certificate[] {cert});
            return alias;
        } catch (java.io.IOException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("creating the audit checkpoint key failed", e);
        }
    }

    public String algorithm() {
        return ALGORITHM.signatureAlgorithm();
    }

    public byte[] sign(String alias, byte[] data) {
        return keys.sign(alias, ALGORITHM.signatureAlgorithm(), data);
    }

    /** Whether {@code signature} over {@code data} verifies with the public key the store holds for {@code alias}. */
    public boolean verify(String alias, String algorithm, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(keys.publicKey(alias));
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | io.fleetca.keys.KeyNotFoundException e) {
            return false; // no such key in the store, or not a signature it made
        }
    }
}
