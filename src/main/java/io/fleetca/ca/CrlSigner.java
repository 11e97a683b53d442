package io.fleetca.ca;

import io.fleetca.common.FleetCaException;
import io.fleetca.common.ProblemType;
import io.fleetca.common.ChunkedBytes;
import io.fleetca.keys.CaKeyStore;
import io.fleetca.keys.KeyAlgorithm;
import io.fleetca.ca.lint.CrlLinter;
import io.fleetca.keys.KeyStoreUnavailableException;
import java.time.Duration;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Signs CRLs (RFC 5280 §5) with the CA's key in the key store. The TBSCertList is assembled
 * from the draft's entry bytes (never parsed back into objects) and hashed as it is laid out; the
 * key store signs that digest ({@link CaKeyStore#signDigest}), so the tens of megabytes of a large CRL
 * never pass through the token. The CRL is assembled around the draft's own chunks (the entries are in
 * memory once), and the signature is verified over the assembled bytes with the CA certificate's
 * public key before the CRL is returned.
 */
@ApplicationScoped
public class CrlSigner {

    @Inject
    CaKeyStore keys;

    /**
     * @param deltaBase  null for a complete CRL; for a delta CRL the number of its base (§5.2.4)
     * @param freshestCrl URL of the delta CRL, named in a complete CRL's Freshest CRL extension (§5.2.6); may be null
     * @return the DER CertificateList; it shares the draft's chunks, so the draft must not be added to afterwards
     */
    public ChunkedBytes sign(LoadedCa ca, CrlDraft draft, long number, Long deltaBase, Instant thisUpdate,
                             Instant nextUpdate, String freshestCrl) {
        KeyAlgorithm keyAlgorithm = ca.keyAlgorithm();
        AlgorithmIdentifier algorithm = new DefaultSignatureAlgorithmIdentifierFinder().find(keyAlgorithm.signatureAlgorithm());
        try {
            ChunkedBytes tbs = tbs(ca, draft, algorithm, number, deltaBase, thisUpdate, nextUpdate, freshestCrl);
            MessageDigest digest = MessageDigest.getInstance(keyAlgorithm.digestAlgorithm());
            tbs.update(digest);
            byte[] signature = keys.signDigest(ca.record().keyAlias(), keyAlgorithm, digest.digest());
            byte[] algorithmDer = algorithm.getEncoded(ASN1Encoding.DER);
            byte[] signatureDer = new DERBitString(signature).getEncoded(ASN1Encoding.DER);
            // CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue } (§5.1)
            ChunkedBytes crl = new ChunkedBytes();
            writeHeader(crl, 0x30, Math.toIntExact(tbs.size() + algorithmDer.length + signatureDer.length));
            crl.append(tbs);
            crl.write(algorithmDer);
            crl.write(signatureDer);
            verify(ca, tbs, signature); // tbs shares its chunks with crl: these are the published bytes
            return crl;
        } catch (KeyStoreUnavailableException e) {
            throw new FleetCaException(ProblemType.KEY_STORE_UNAVAILABLE,
                    "the signing key store is unavailable; retry later", Duration.ofSeconds(5));
        } catch (io.fleetca.keys.KeyNotFoundException e) {
            throw HsmContentSigner.keyMissing("CA " + ca.id(), e);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("encoding the CRL failed", e);
        }
    }

    private static ChunkedBytes tbs(LoadedCa ca, CrlDraft draft, AlgorithmIdentifier algorithm, long number, Long deltaBase,
                              Instant thisUpdate, Instant nextUpdate, String freshestCrl) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        new ASN1Integer(1).encodeTo(head, ASN1Encoding.DER); // version v2 (§5.1.2.1: required with extensions)
        algorithm.encodeTo(head, ASN1Encoding.DER);
        ca.certificate().getSubject().encodeTo(head, ASN1Encoding.DER); // §5.1.2.3 issuer = CA subject
        time(thisUpdate).encodeTo(head, ASN1Encoding.DER);
        time(nextUpdate).encodeTo(head, ASN1Encoding.DER);

        ASN1EncodableVector extensions = new ASN1EncodableVector(3);
        // §5.2.1 AKI, §5.2.3 CRL number (non-critical), §5.2.4 delta CRL indicator (critical), §5.2.6 freshest CRL.
        extensions.add(new Extension(Extension.authorityKeyIdentifier, false,
                new AuthorityKeyIdentifier(ca.subjectKeyIdentifier()).getEncoded(ASN1Encoding.DER)));
        extensions.add(new Extension(Extension.cRLNumber, false,
                new ASN1Integer(BigInteger.valueOf(number)).getEncoded(ASN1Encoding.DER)));
        if (deltaBase != null) {
            extensions.add(new Extension(Extension.deltaCRLIndicator, true,
                    new ASN1Integer(BigInteger.valueOf(deltaBase)).getEncoded(ASN1Encoding.DER)));
        } else if (freshestCrl != null) {
            extensions.add(new Extension(Extension.freshestCRL, false, new CRLDistPoint(new DistributionPoint[] {
                    new DistributionPoint(new DistributionPointName(new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, freshestCrl))), null, null)})
                    .getEncoded(ASN1Encoding.DER)));
        }
        byte[] tail = new DERTaggedObject(true, 0, new DERSequence(extensions)).getEncoded(ASN1Encoding.DER);

        // Lint the CRL's frame (everything but the revoked certificates, which CrlDraft encodes from ledger rows)
        // before the key store is asked anything, as certificates are linted (Boulder lints every CRL).
        CrlLinter.lint(deltaBase == null ? CrlLinter.Kind.COMPLETE : CrlLinter.Kind.DELTA,
                frame(head.toByteArray(), tail, algorithm), ca.certificate());

        // §5.1.2.6: with no revoked certificates the revokedCertificates list MUST be absent.
        int entriesLength = draft.encodedLength();
        ByteArrayOutputStream entriesHeader = new ByteArrayOutputStream(8);
        if (entriesLength > 0) {
            writeHeader(entriesHeader, 0x30, entriesLength);
        }
        int contentLength = head.size() + entriesHeader.size() + entriesLength + tail.length;
        ChunkedBytes tbs = new ChunkedBytes();
        writeHeader(tbs, 0x30, contentLength);
        head.writeTo(tbs);
        entriesHeader.writeTo(tbs);
        tbs.append(draft.entries());
        tbs.write(tail);
        return tbs;
    }

    /** The CRL without its entries, with a placeholder signature: what the CRL lints read. */
    private static X509CRLHolder frame(byte[] head, byte[] tail, AlgorithmIdentifier algorithm) throws IOException {
        ByteArrayOutputStream tbs = new ByteArrayOutputStream(head.length + tail.length + 8);
        writeHeader(tbs, 0x30, head.length + tail.length);
        tbs.write(head);
        tbs.write(tail);
        ASN1EncodableVector list = new ASN1EncodableVector(3);
        list.add(org.bouncycastle.asn1.ASN1Primitive.fromByteArray(tbs.toByteArray()));
        list.add(algorithm);
        list.add(new DERBitString(new byte[] {0}));
        return new X509CRLHolder(new DERSequence(list).getEncoded(ASN1Encoding.DER));
    }

    private static Time time(Instant t) {
        return new Time(Date.from(t.truncatedTo(ChronoUnit.SECONDS)));
    }

    /** DER tag and definite length (X.690 §8.1.3). */
    static void writeHeader(OutputStream out, int tag, int length) {
        try {
            writeHeaderBytes(out, tag, length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // in-memory streams only
        }
    }

    private static void writeHeaderBytes(OutputStream out, int tag, int length) throws IOException {
        out.write(tag);
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.write(length >>> (8 * i));
        }
    }

    /**
     * The CA certificate's public key verifies the signature over the assembled TBSCertList with the
     * standard algorithm (hashing it again, here): a wrong digest or DigestInfo, or bytes that differ from
     * those hashed, stop the CRL before it is published.
     */
    private static void verify(LoadedCa ca, ChunkedBytes tbs, byte[] signature) {
        try {
            PublicKey key = new JcaX509CertificateConverter().getCertificate(ca.certificate()).getPublicKey();
            Signature verifier = Signature.getInstance(ca.keyAlgorithm().signatureAlgorithm());
            verifier.initVerify(key);
            tbs.writeTo(new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    try {
                        verifier.update(b, off, len);
                    } catch (java.security.SignatureException e) {
                        throw new IOException(e);
                    }
                }
            });
            if (!verifier.verify(signature)) {
                throw new IllegalStateException("the key store produced a CRL signature that does not verify");
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("verifying the CRL signature failed", e);
        }
    }
}
