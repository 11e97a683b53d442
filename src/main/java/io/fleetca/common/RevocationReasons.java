package io.fleetca.common;

import java.util.List;
import org.bouncycastle.asn1.x509.CRLReason;

/** RFC 5280 §5.3.1 CRLReason names, as the API and the ledger spell them, and their codes. */
public final class RevocationReasons {
    private RevocationReasons() {}

    /** The reasons an administrator may give (removeFromCRL appears only in delta CRLs; aA/cA are not ours). */
    public static final List<String> REQUESTABLE = List.of("unspecified", "keyCompromise", "affiliationChanged",
            "superseded", "cessationOfOperation", "certificateHold", "privilegeWithdrawn");

    /**
     * The reasons a CA certificate may be revoked for: RFC 5280 §5.3.1 cACompromise is for CA keys;
     * certificateHold is not offered (a held CA would make every certificate below it undecidable).
     */
    public static final List<String> CA_REQUESTABLE = List.of("unspecified", "keyCompromise", "cACompromise",
            "affiliationChanged", "superseded", "cessationOfOperation", "privilegeWithdrawn");

    public static int code(String name) {
        return switch (name) {
            case "unspecified" -> CRLReason.unspecified;
            case "keyCompromise" -> CRLReason.keyCompromise;
            case "cACompromise" -> CRLReason.cACompromise;
            case "affiliationChanged" -> CRLReason.affiliationChanged;
            case "superseded" -> CRLReason.superseded;
            case "cessationOfOperation" -> CRLReason.cessationOfOperation;
            case "certificateHold" -> CRLReason.certificateHold;
            case "removeFromCRL" -> CRLReason.removeFromCRL;
            case "privilegeWithdrawn" -> CRLReason.privilegeWithdrawn;
            case "aACompromise" -> CRLReason.aACompromise;
            default -> throw new IllegalArgumentException("unknown revocation reason " + name);
        };
    }
}
