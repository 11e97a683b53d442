package io.fleetca.common;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.jose4j.jca.ProviderContext;

/**
 * Signature verification in native code: the Amazon Corretto Crypto Provider (AWS-LC through JNI). Every
 * enrollment verifies two ECDSA signatures (the CSR's, the HSM's) and the station token's (ES256, RS256 or
 * PS256, {@link #jwsProviderContext}); with BouncyCastle's Java arithmetic the ECDSA ones were the largest
 * share of FleetCA's CPU per certificate, and AWS-LC verifies P-256 about 3.5 times faster
 * (65 against 250 microseconds for a key seen once, on the benchmark machine). AWS-LC decodes the
 * ECDSA-Sig-Value as strict DER (RFC 5480 §2.2.3; BER lengths and trailing bytes are refused) and checks that
 * the public point is on its curve, as BouncyCastle does: {@code NativeVerifierTest} holds both to the same
 * decisions.
 * <p>
 * Only verification goes through it: it holds no secret, and CA keys stay in the key store. Where the provider
 * does not load (another platform, a native image, {@code fleetca.crypto.native-verifier=false}) or does not
 * take a key (a curve AWS-LC lacks), {@link SignatureVerifiers} falls back to BouncyCastle: same answers,
 * slower.
 * <p>
 * Loading it (unpacking and linking a 9 MiB library, its classes, AWS-LC's self-tests) took 0.5 s and more of
 * a cold JVM here, and the first verification comes during start-up (the EST server's certificate): so the
 * first use starts the loading on a thread of its own and is answered by BouncyCastle, as is every
 * verification until the provider is ready. Nothing waits for it.
 */
public final class NativeVerifier {

    private static final Logger LOG = Logger.getLogger(NativeVerifier.class);
    private static final AtomicBoolean LOADING = new AtomicBoolean();
    private static final CountDownLatch SETTLED = new CountDownLatch(1);
    private static volatile Provider provider;
    private static volatile ProviderContext jwsContext;

    private NativeVerifier() {}

    /** The provider once loaded and healthy; empty while it loads, where it is off or where it did not load. */
    static Optional<Provider> provider() {
        Provider loaded = provider;
        if (loaded == null) {
            startLoading();
        }
        return Optional.ofNullable(loaded);
    }

    /**
     * For jose4j (station tokens: ES256, RS256, PS256 signatures verified on every enrollment): a provider
     * context naming the native provider for signatures, which jose4j asks the JCA for by name, so the provider
     * is registered, last in the JDK's list: nothing that asks for an algorithm without naming a provider gets
     * it instead of the JDK's own. Empty until it is loaded, and where it is off.
     */
    public static Optional<ProviderContext> jwsProviderContext() {
        ProviderContext context = jwsContext;
        if (context == null) {
            startLoading();
        }
        return Optional.ofNullable(context);
    }

    /** A verifier for this EC key through the native provider; empty where it is not ready or refuses the key. */
    static Optional<ContentVerifierProvider> ecdsa(SubjectPublicKeyInfo key) {
        Provider loaded = provider().orElse(null);
        if (loaded == null) {
            return Optional.empty();
        }
        try {
            PublicKey publicKey = KeyFactory.getInstance("EC", loaded).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
            return Optional.of(new JcaContentVerifierProviderBuilder().setProvider(loaded).build(publicKey));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException | RuntimeException e) {
            return Optional.empty();   // a curve or encoding AWS-LC does not take: BouncyCastle decides
        }
    }

    /** Starts the loading, then waits up to {@code timeout} for it to end (tests: the provider, if it loads). */
    static Optional<Provider> awaitLoaded(Duration timeout) throws InterruptedException {
        startLoading();
        SETTLED.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.ofNullable(provider);
    }

    private static void startLoading() {
        if (LOADING.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("fleetca-native-verifier-load").start(NativeVerifier::loadAndSettle);
        }
    }

    private static void loadAndSettle() {
        try {
            Provider loaded = load();
            if (loaded != null) {
                if (Security.getProvider(loaded.getName()) == null) {
                    Security.addProvider(loaded);
                }
                ProviderContext context = new ProviderContext();
                context.getSuppliedKeyProviderContext().setSignatureProvider(loaded.getName());
                jwsContext = context;
                provider = loaded;
            }
        } finally {
            SETTLED.countDown();
        }
    }

    private static Provider load() {
        boolean enabled = ConfigProvider.getConfig().getOptionalValue("fleetca.crypto.native-verifier", Boolean.class)
                .orElse(true);
        if (!enabled) {
            LOG.info("signature verification: BouncyCastle (fleetca.crypto.native-verifier=false)");
            return null;
        }
        Throwable error;
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            error = accp.getLoadingError();
            if (error == null) {
                LOG.infof("signature verification (ECDSA, station tokens): Amazon Corretto Crypto Provider %s",
                        accp.getVersionStr());
                return accp;
            }
        } catch (Throwable e) {   // LinkageError on a platform without its library, or in a native image
            error = e;
        }
        LOG.warnf("signature verification: BouncyCastle; the native provider did not load (%s)", error.toString());
        return null;
    }
}
