package io.fleetca.est;

import io.fleetca.ra.CsrRequirements;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.est.AttrOrOID;
import org.bouncycastle.asn1.est.CsrAttrs;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The csrattrs answer (RFC 7030 §4.5.2, RFC 8951 §3.4): the signature algorithm to use, the key type
 * (id-ecPublicKey with its curve) and, for DevID profiles, that the subject carry a serialNumber.
 */
final class CsrAttributes {
    private CsrAttributes() {}

    static String encode(CsrRequirements requirements) {
        List<AttrOrOID> items = new ArrayList<>();
        List<String> keys = requirements.keyTypes();
        if (keys.contains("EC_P256")) {
            items.add(new AttrOrOID(X9ObjectIdentifiers.ecdsa_with_SHA256));
            items.add(new AttrOrOID(new Attribute(X9ObjectIdentifiers.id_ecPublicKey, new DERSet(SECObjectIdentifiers.secp256r1))));
        } else if (keys.contains("EC_P384")) {
            items.add(new AttrOrOID(X9ObjectIdentifiers.ecdsa_with_SHA384));
            items.add(new AttrOrOID(new Attribute(X9ObjectIdentifiers.id_ecPublicKey, new DERSet(SECObjectIdentifiers.secp384r1))));
        }
        if (requirements.subjectSerialNumber()) {
            items.add(new AttrOrOID(BCStyle.SERIALNUMBER));
        }
        try {
            byte[] der = new CsrAttrs(items.toArray(AttrOrOID[]::new)).getEncoded(ASN1Encoding.DER);
            return Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(der) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
