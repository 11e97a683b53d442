package io.fleetca.ca;

import io.fleetca.common.ChunkedBytes;
import io.fleetca.common.RevocationReasons;
import io.fleetca.registry.RevokedEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;

/**
 * The revokedCertificates of a CRL being built, kept as DER bytes: each entry is encoded straight
 * into a byte buffer as it arrives, so a million entries are tens of megabytes of bytes, not
 * millions of objects. The buffer is chunked ({@link ChunkedBytes}): it grows without copying and the
 * signed CRL is assembled around these very chunks, so the entries are in memory once. RFC 5280 §5.1.2.6 entry:
 * {@code SEQUENCE { userCertificate INTEGER, revocationDate Time, crlEntryExtensions Extensions OPTIONAL }}.
 * The encoding is checked byte for byte against BouncyCastle's in CrlDraftTest.
 */
public final class CrlDraft {

    /** DER of the reasonCode extension (§5.3.1, non-critical) for each CRLReason value. */
    private static final byte[][] REASON_EXTENSIONS = new byte[11][];
    /** SEQUENCE, OID 2.5.29.24 invalidityDate, OCTET STRING of a 15-character GeneralizedTime (§5.3.2). */
    private static final byte[] INVALIDITY_PREFIX = {0x30, 0x18, 0x06, 0x03, 0x55, 0x1d, 0x18, 0x04, 0x11, 0x18, 0x0f};

    static {
        for (int code = 0; code < REASON_EXTENSIONS.length; code++) {
            if (code == 7) {
                continue; // value 7 is not used (RFC 5280 §5.3.1)
            }
            try {
                REASON_EXTENSIONS[code] = new Extension(Extension.reasonCode, false,
                        new DEROctetString(CRLReason.lookup(code).getEncoded(ASN1Encoding.DER))).getEncoded(ASN1Encoding.DER);
            } catch (IOException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private final ChunkedBytes entries = new ChunkedBytes();
    private final ByteArrayOutputStream entry = new ByteArrayOutputStream(128);
    private final ByteArrayOutputStream extensions = new ByteArrayOutputStream(64);
    private long count;

    public void add(RevokedEntry e) {
        encode(e);
        append();
    }

    /**
     * Adds the entry to this draft and/or {@code other}, encoded once: right after a mass revocation most
     * rows belong in both the complete CRL and its delta.
     */
    public void add(RevokedEntry e, boolean here, CrlDraft other, boolean there) {
        if (!here && !there) {
            return;
        }
        CrlDraft encoder = here ? this : other;
        encoder.encode(e);
        if (here) {
            append();
        }
        if (there) {
            other.appendFrom(encoder);
        }
    }

    /** Encodes one entry into {@link #entry}. */
    private void encode(RevokedEntry e) {
        entry.reset();
        extensions.reset();
        writeInteger(entry, e.serial());
        writeTime(entry, e.revokedAt());
        int reason = e.removed() ? CRLReason.removeFromCRL : RevocationReasons.code(e.reason());
        // §5.3.1: the reasonCode extension SHOULD be absent rather than say unspecified.
        if (reason != CRLReason.unspecified) {
            extensions.writeBytes(REASON_EXTENSIONS[reason]);
        }
        if (e.invalidityDate() != null && !e.removed()) {
            extensions.writeBytes(INVALIDITY_PREFIX);
            extensions.writeBytes(digits(e.invalidityDate(), true));
        }
        if (extensions.size() > 0) {
            CrlSigner.writeHeader(entry, 0x30, extensions.size());
            entry.writeBytes(extensions.toByteArray());
        }
    }

    private void append() {
        appendFrom(this);
    }

    /** Appends the entry {@code encoder} encoded last. */
    private void appendFrom(CrlDraft encoder) {
        CrlSigner.writeHeader(entries, 0x30, encoder.entry.size());
        entries.write(encoder.entry.toByteArray(), 0, encoder.entry.size());
        count++;
    }

    public long count() { return count; }

    /** Length of the concatenated entry encodings (the contents of the revokedCertificates SEQUENCE). */
    int encodedLength() {
        if (entries.size() > Integer.MAX_VALUE / 2) {
            throw new IllegalStateException("CRL too large: " + entries.size() + " bytes of entries");
        }
        return (int) entries.size();
    }

    void writeEntriesTo(java.io.OutputStream out) throws IOException { entries.writeTo(out); }

    /** The entry bytes themselves, for the signer to hash and to assemble the CRL around. */
    ChunkedBytes entries() { return entries; }

    /** A positive INTEGER from lowercase hex without leading zeros (X.690 §8.3: minimal two's complement). */
    private static void writeInteger(ByteArrayOutputStream out, String hex) {
        byte[] magnitude = HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : "0" + hex);
        boolean pad = (magnitude[0] & 0x80) != 0;
        out.write(0x02);
        out.write(magnitude.length + (pad ? 1 : 0));
        if (pad) {
            out.write(0);
        }
        out.writeBytes(magnitude);
    }

    /** §5.1.2.6 / §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, in whole seconds, Zulu. */
    private static void writeTime(ByteArrayOutputStream out, Instant t) {
        boolean generalized = LocalDateTime.ofInstant(t, ZoneOffset.UTC).getYear() >= 2050;
        byte[] digits = digits(t, generalized);
        out.write(generalized ? 0x18 : 0x17);
        out.write(digits.length);
        out.writeBytes(digits);
    }

    private static byte[] digits(Instant t, boolean fourDigitYear) {
        LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
        if (d.getYear() < 1950 || d.getYear() > 9999) {
            throw new IllegalArgumentException("CRL time out of range: " + t); // never signed into a CRL
        }
        byte[] b = new byte[fourDigitYear ? 15 : 13];
        int i = 0;
        if (fourDigitYear) {
            i = two(b, i, d.getYear() / 100);
        }
        i = two(b, i, d.getYear() % 100);
        i = two(b, i, d.getMonthValue());
        i = two(b, i, d.getDayOfMonth());
        i = two(b, i, d.getHour());
        i = two(b, i, d.getMinute());
        i = two(b, i, d.getSecond());
        b[i] = 'Z';
        return b;
    }

    private static int two(byte[] b, int i, int v) {
        b[i] = (byte) ('0' + v / 10);
        b[i + 1] = (byte) ('0' + v % 10);
        return i + 2;
    }
}
