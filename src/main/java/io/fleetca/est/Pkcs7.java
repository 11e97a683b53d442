package io.fleetca.est;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.util.CollectionStore;

/** Certs-only CMS SignedData ("degenerate" PKCS#7, RFC 5652 §5, RFC 7030 §4.1.3 and §4.2.3), base64. */
final class Pkcs7 {
    private Pkcs7() {}

    static String certsOnly(List<X509CertificateHolder> certificates) {
        try {
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addCertificates(new CollectionStore<>(certificates));
            // RFC 7030 §4.1.3 and §4.2.3: DER. BouncyCastle's default encoding of a generated SignedData is BER
            // (indefinite lengths), which strict clients (pyca/cryptography, for one) refuse or only warn about.
            byte[] der = generator.generate(new CMSAbsentContent()).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
            // 64-character lines (a multiple of 4, which line-by-line decoders need), LF only (base64 -d refuses CR).
            return Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n";
        } catch (CMSException | IOException e) {
            throw new IllegalStateException("encoding the PKCS#7 certs-only response failed", e);
        }
    }
}
