package io.fleetca.keys;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.FleetCaTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Looks into the SoftHSM2 token from the outside (a second SunPKCS11 session) and checks that
 * every CA private key FleetCA generated is a token object that is sensitive and not extractable.
 */
@QuarkusTest
class HsmKeyTest {

    @Test
    void caPrivateKeysAreSensitiveAndNotExtractable() throws Exception {
        Provider provider = Security.getProvider("SunPKCS11").configure(FleetCaTestResource.SUNPKCS11_CONFIG.toString());
        KeyStore token = KeyStore.getInstance("PKCS11", provider);
        token.load(null, Files.readString(FleetCaTestResource.PIN_FILE).strip().toCharArray());
        List<String> aliases = Collections.list(token.aliases());
        assertTrue(aliases.stream().anyMatch(a -> a.startsWith("fleetca-ca-dev-root-")), aliases.toString());
        assertTrue(aliases.stream().anyMatch(a -> a.startsWith("fleetca-ca-dev-issuing-")), aliases.toString());
        for (String alias : aliases) {
            if (!token.isKeyEntry(alias)) {
                continue;
            }
            Key key = token.getKey(alias, null);
            String attributes = key.toString();
            assertTrue(attributes.contains("token object"), alias + ": " + attributes);
            // SunPKCS11 prints "sensitive"/"not sensitive" and "unextractable"/"extractable" (CKA_SENSITIVE, CKA_EXTRACTABLE).
            assertFalse(attributes.contains("not sensitive"), alias + ": " + attributes);
            assertTrue(attributes.contains("sensitive"), alias + ": " + attributes);
            assertTrue(attributes.contains("unextractable"), alias + ": " + attributes);
            assertNull(key.getEncoded(), "the private key value must not be readable");
        }
    }
}
