package io.fleetca.ca;

import io.fleetca.common.RevocationReasons;
import io.fleetca.registry.RevokedEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Time;

/**
 * The revokedCertificates of a CRL being built, kept as DER bytes: each entry is encoded as it
 * arrives and only its bytes are kept, so a million entries are tens of megabytes of bytes, not
 * millions of objects. RFC 5280 §5.1.2.6 entry: userCertificate, revocationDate, crlEntryExtensions.
 */
public final class CrlDraft {

    private final ByteArrayOutputStream entries = new ByteArrayOutputStream(64 * 1024);
    private long count;

    public void add(RevokedEntry entry) {
        ASN1EncodableVector v = new ASN1EncodableVector(3);
        v.add(new ASN1Integer(new BigInteger(entry.serial(), 16)));
        // §5.1.2.6: UTCTime through 2049, GeneralizedTime from 2050 (Time chooses); whole seconds.
        v.add(new Time(Date.from(entry.revokedAt().truncatedTo(ChronoUnit.SECONDS))));
        ASN1EncodableVector extensions = new ASN1EncodableVector(2);
        int reason = entry.removed() ? CRLReason.removeFromCRL : RevocationReasons.code(entry.reason());
        // §5.3.1: the reasonCode extension SHOULD be absent rather than say unspecified.
        if (reason != CRLReason.unspecified) {
            extensions.add(extension(Extension.reasonCode, CRLReason.lookup(reason)));
        }
        if (entry.invalidityDate() != null && !entry.removed()) {
            // §5.3.2: invalidityDate is a GeneralizedTime (no fractional seconds).
            extensions.add(extension(Extension.invalidityDate,
                    new ASN1GeneralizedTime(Date.from(entry.invalidityDate().truncatedTo(ChronoUnit.SECONDS)))));
        }
        if (extensions.size() > 0) {
            v.add(new DERSequence(extensions));
        }
        try {
            new DERSequence(v).encodeTo(entries, ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e); // ByteArrayOutputStream does not fail
        }
        count++;
    }

    private static Extension extension(org.bouncycastle.asn1.ASN1ObjectIdentifier oid,
                                       org.bouncycastle.asn1.ASN1Encodable value) {
        try {
            return new Extension(oid, false, new DEROctetString(value.toASN1Primitive().getEncoded(ASN1Encoding.DER)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public long count() { return count; }

    /** Length of the concatenated entry encodings (the contents of the revokedCertificates SEQUENCE). */
    int encodedLength() { return entries.size(); }

    void writeEntriesTo(java.io.OutputStream out) throws IOException { entries.writeTo(out); }
}
