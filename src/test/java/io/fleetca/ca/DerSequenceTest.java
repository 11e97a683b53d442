package io.fleetca.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The certificate's DER is assembled from parts already encoded ({@link LintedSigner#derSequence}): it must be
 * byte for byte what BouncyCastle's DER encoder writes for the same SEQUENCE, in every length form (short, and
 * long in one, two and three bytes: X.690 §8.1.3).
 */
class DerSequenceTest {

    @ParameterizedTest(name = "content of {0} bytes")
    @ValueSource(ints = {0, 1, 125, 126, 127, 128, 200, 253, 254, 255, 256, 300, 65_531, 65_532, 65_536, 70_000})
    void assemblesWhatBouncyCastleEncodes(int size) throws Exception {
        // two OCTET STRINGs whose encodings together make about `size` bytes of content
        int first = Math.max(0, size / 2 - 4);
        ASN1Encodable a = new DEROctetString(new byte[first]);
        ASN1Encodable b = new DEROctetString(new byte[Math.max(0, size - first - 6)]);
        byte[] expected = new DERSequence(new ASN1Encodable[] {a, b}).getEncoded(ASN1Encoding.DER);
        assertArrayEquals(expected, LintedSigner.derSequence(a.toASN1Primitive().getEncoded(ASN1Encoding.DER),
                b.toASN1Primitive().getEncoded(ASN1Encoding.DER)));
    }
}
