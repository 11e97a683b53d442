package io.fleetca.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetca.common.RevocationReasons;
import io.fleetca.registry.RevokedEntry;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Time;
import org.junit.jupiter.api.Test;

/** The hand-written CRL entry encoding equals BouncyCastle's DER for every kind of entry. */
class CrlDraftTest {

    @Test
    void entriesEncodeExactlyAsBouncyCastleDoes() throws Exception {
        List<RevokedEntry> entries = new ArrayList<>();
        Instant[] times = {Instant.parse("2026-11-22T07:06:31Z"), Instant.parse("2049-12-31T23:59:59Z"),
                Instant.parse("2050-01-01T00:00:00Z"), Instant.parse("2001-02-03T04:05:06Z")};
        String[] serials = {"1", "7f", "80", "ff", "100", "7fffffffffffffffffffffffffffffff",
                "8000000000000000000000000000000000000000", "abc"};
        int i = 0;
        for (String reason : RevocationReasons.REQUESTABLE) {
            for (Instant t : times) {
                String serial = serials[i++ % serials.length];
                entries.add(new RevokedEntry(serial, t, reason, null, false));
                entries.add(new RevokedEntry(serial, t, reason, t.minusSeconds(86_400), false));
                entries.add(new RevokedEntry(serial, t, null, null, true));
            }
        }
        CrlDraft draft = new CrlDraft();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (RevokedEntry e : entries) {
            draft.add(e);
            expected.writeBytes(bouncyCastle(e));
        }
        ByteArrayOutputStream actual = new ByteArrayOutputStream();
        draft.writeEntriesTo(actual);
        assertEquals(entries.size(), draft.count());
        assertEquals(expected.size(), draft.encodedLength());
        assertArrayEquals(expected.toByteArray(), actual.toByteArray());
    }

    /** An entry added to a complete CRL and its delta at once is encoded once and lands in each as BouncyCastle encodes it. */
    @Test
    void entriesForBothDraftsMatchBouncyCastleInEach() throws Exception {
        Instant t = Instant.parse("2026-11-22T07:06:31Z");
        RevokedEntry[] entries = {new RevokedEntry("7f", t, "keyCompromise", t.minusSeconds(60), false),
                new RevokedEntry("80", t, "superseded", null, false), new RevokedEntry("abc", t, null, null, true),
                new RevokedEntry("1", t, "unspecified", null, false)};
        boolean[][] placement = {{true, true}, {true, false}, {false, true}, {false, false}};
        CrlDraft complete = new CrlDraft();
        CrlDraft delta = new CrlDraft();
        ByteArrayOutputStream expectedComplete = new ByteArrayOutputStream();
        ByteArrayOutputStream expectedDelta = new ByteArrayOutputStream();
        for (int i = 0; i < entries.length; i++) {
            complete.add(entries[i], placement[i][0], delta, placement[i][1]);
            if (placement[i][0]) {
                expectedComplete.writeBytes(bouncyCastle(entries[i]));
            }
            if (placement[i][1]) {
                expectedDelta.writeBytes(bouncyCastle(entries[i]));
            }
        }
        ByteArrayOutputStream actualComplete = new ByteArrayOutputStream();
        ByteArrayOutputStream actualDelta = new ByteArrayOutputStream();
        complete.writeEntriesTo(actualComplete);
        delta.writeEntriesTo(actualDelta);
        assertEquals(2, complete.count());
        assertEquals(2, delta.count());
        assertArrayEquals(expectedComplete.toByteArray(), actualComplete.toByteArray());
        assertArrayEquals(expectedDelta.toByteArray(), actualDelta.toByteArray());
    }

    private static byte[] bouncyCastle(RevokedEntry e) throws Exception {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(new BigInteger(e.serial(), 16)));
        v.add(new Time(Date.from(e.revokedAt())));
        ASN1EncodableVector ext = new ASN1EncodableVector();
        int reason = e.removed() ? CRLReason.removeFromCRL : RevocationReasons.code(e.reason());
        if (reason != CRLReason.unspecified) {
            ext.add(extension(Extension.reasonCode, CRLReason.lookup(reason)));
        }
        if (e.invalidityDate() != null && !e.removed()) {
            ext.add(extension(Extension.invalidityDate, new ASN1GeneralizedTime(Date.from(e.invalidityDate()))));
        }
        if (ext.size() > 0) {
            v.add(new DERSequence(ext));
        }
        return new DERSequence(v).getEncoded(ASN1Encoding.DER);
    }

    private static Extension extension(org.bouncycastle.asn1.ASN1ObjectIdentifier oid, ASN1Encodable value) throws Exception {
        return new Extension(oid, false, new DEROctetString(value.toASN1Primitive().getEncoded(ASN1Encoding.DER)));
    }
}
