package io.fleetca.est;

import io.fleetca.ra.EnrollmentResult;
import io.fleetca.ra.ServiceCertificates;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The EST endpoint: an HTTPS server of its own on fleetca.est.port, separate from the REST API, with
 * TLS client authentication requested but not required (RFC 7030 §3.3.2). The TLS layer accepts any
 * client certificate; deciding what a certificate is worth is the application's job. The server
 * certificate is configured, or issued at start-up by the issuing CA (key generated in memory) for
 * the host of fleetca.public-url, localhost and 127.0.0.1.
 *
 * <p>A generated certificate is short-lived (fleetca.est.server-certificate-validity) and renewed while
 * running: a scheduled check certifies a fresh key once less than server-certificate-renew-before is
 * left, swaps the server's key material without a restart ({@link ServerKeyManager}; connections already
 * open keep theirs) and then revokes the predecessor (superseded). At start-up the certificates of this instance's previous
 * run are revoked the same way: their keys died with that process.
 *
 * <p>Slow or idle clients are bounded: idle timeout, TLS handshake timeout, a deadline for reading each
 * request, a cap on open connections, and limits on the request line and headers.
 */
@ApplicationScoped
public class EstServer {

    private static final Logger LOG = Logger.getLogger(EstServer.class);
    static final String BASE = "/.well-known/est/";

    @Inject
    Vertx vertx;

    @Inject
    EstConfig config;

    @Inject
    EstOperations operations;

    @Inject
    ServiceCertificates serviceCertificates;

    @Inject
    Clock clock;

    @ConfigProperty(name = "fleetca.public-url")
    String publicUrl;

    private volatile HttpServer server;
    private ConnectionLimits limits;
    private String instance;
    /** The generated certificate being served; null when the certificate comes from files. */
    private volatile ServerCertificate current;
    private final ServerKeyManager keys = new ServerKeyManager();

    /** A generated server certificate: its key (in memory only), its chain (leaf first) and its end. */
    private record ServerCertificate(String serial, Instant notAfter, PrivateKey key, X509Certificate[] chain) {}

    /** After the development bootstrap (default priority) has created the CAs. */
    void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 500) StartupEvent event)
            throws Exception {
        if (!config.enabled()) {
            return;
        }
        checkSettings();
        instance = config.instanceId().filter(s -> !s.isBlank()).orElseGet(EstServer::hostName);
        limits = new ConnectionLimits(vertx, config.requestTimeout().toMillis(), config.maxConnections());
        Router router = Router.router(vertx);
        // No file uploads: EST bodies are base64 text, and uploads would be written to disk before any check.
        router.route(BASE + "*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
        router.route(BASE + "*").handler(ctx -> {
            limits.requestRead(ctx.request().connection());
            ctx.next();
        });
        router.route(BASE + "*").blockingHandler(this::handle, false);
        // Every other answer also goes through send(), which re-arms the connection's request deadline.
        router.route().handler(ctx -> send(ctx, EstReply.error(404, "EST is served under " + BASE, java.util.Map.of())));
        router.errorHandler(413, ctx -> send(ctx, EstReply.error(413, "the request body is larger than "
                + config.maxBodyBytes() + " bytes", java.util.Map.of())));
        KeyCertOptions keyCert;
        if (configuredFiles()) {
            keyCert = new PemKeyCertOptions().setCertPath(config.certificateFile().get()).setKeyPath(config.keyFile().get());
        } else {
            current = issue();
            keys.use(current.serial(), current.key(), current.chain());
            keyCert = KeyCertOptions.wrap(keys);
        }
        HttpServerOptions options = new HttpServerOptions().setSsl(true).setHost(config.host()).setPort(config.port())
                .setKeyCertOptions(keyCert).setTrustOptions(TrustOptions.wrap(new AnyClientCertificate()))
                .setClientAuth(ClientAuth.REQUEST)
                .setIdleTimeout((int) config.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setSslHandshakeTimeout(config.handshakeTimeout().toMillis()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxHeaderSize(config.maxHeaderSize()).setMaxInitialLineLength(config.maxInitialLineLength());
        server = vertx.createHttpServer(options).connectionHandler(limits::opened).requestHandler(router).listen()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("EST served at https://%s:%d%s", config.host(), server.actualPort(), BASE);
        // The previous run's certificates (and any earlier ones of this instance): their keys are gone.
        supersedeEarlier();
    }

    void stop(@Observes ShutdownEvent event) throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Renews the generated server certificate once less than fleetca.est.server-certificate-renew-before
     * of it is left: a fresh key, certified by the issuing CA; new handshakes get it at once (the key
     * manager is swapped); then the predecessor is revoked (superseded). A failure is logged and retried
     * at the next check, while the current certificate is still valid.
     */
    @Scheduled(every = "${fleetca.est.server-certificate-check:PT1M}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void renewIfDue() {
        ServerCertificate serving = current;
        if (serving == null || server == null || clock.instant().isBefore(serving.notAfter()
                .minus(config.serverCertificateRenewBefore()))) {
            return;
        }
        try {
            ServerCertificate next = issue();
            keys.use(next.serial(), next.key(), next.chain());
            current = next;
            LOG.infof("EST TLS server certificate %s replaces %s", next.serial(), serving.serial());
            supersedeEarlier();
        } catch (Exception e) {
            LOG.errorf("EST TLS server certificate %s (valid until %s) not renewed yet: %s", serving.serial(),
                    serving.notAfter(), e.getMessage());
        }
    }

    /** Revokes (superseded) every generated certificate of this instance but the one being served. */
    private void supersedeEarlier() {
        try {
            ServerCertificate serving = current;
            List<String> revoked = serviceCertificates.supersedeServerCertificates(instance,
                    serving == null ? null : serving.serial());
            if (!revoked.isEmpty()) {
                LOG.infof("EST TLS server certificates of instance %s revoked (superseded): %s", instance, revoked);
            }
        } catch (RuntimeException e) {
            LOG.errorf("superseded EST TLS server certificates not revoked yet (retried at the next renewal): %s",
                    e.getMessage());
        }
    }

    private boolean configuredFiles() {
        return config.certificateFile().isPresent() && config.keyFile().isPresent();
    }

    private void checkSettings() {
        Duration validity = config.serverCertificateValidity();
        Duration margin = config.serverCertificateRenewBefore();
        if (validity.isNegative() || validity.isZero() || margin.isNegative() || margin.isZero()
                || margin.compareTo(validity) >= 0) {
            throw new IllegalStateException("fleetca.est.server-certificate-renew-before (" + margin
                    + ") must be positive and shorter than fleetca.est.server-certificate-validity (" + validity + ")");
        }
        for (Duration d : List.of(config.idleTimeout(), config.handshakeTimeout(), config.requestTimeout(),
                config.serverCertificateCheck())) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalStateException("fleetca.est timeouts and the server certificate check must be positive, not " + d);
            }
        }
        if (config.maxConnections() < 1 || config.maxHeaderSize() < 1024 || config.maxInitialLineLength() < 256) {
            throw new IllegalStateException("fleetca.est.max-connections must be at least 1, max-header-size at least 1024"
                    + " and max-initial-line-length at least 256");
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private void handle(RoutingContext ctx) {
        String path = ctx.request().path();
        String[] segments = path.length() <= BASE.length() ? new String[] {"", ""}
                : path.substring(BASE.length()).split("/", -1);
        EstReply reply;
        if (segments.length == 1) {
            reply = serve(ctx, path, Optional.empty(), segments[0]);
        } else if (segments.length == 2 && !segments[0].isEmpty()) {
            reply = serve(ctx, path, Optional.of(segments[0]), segments[1]);
        } else {
            reply = EstReply.error(404, "EST paths are " + BASE + "<operation> or " + BASE + "<label>/<operation>",
                    java.util.Map.of());
        }
        send(ctx, reply);
    }

    private void send(RoutingContext ctx, EstReply reply) {
        var response = ctx.response().setStatusCode(reply.status());
        reply.headers().forEach(response::putHeader);
        HttpConnection connection = ctx.request().connection();
        response.end(reply.body()).onComplete(done -> limits.responded(connection));
    }

    private EstReply serve(RoutingContext ctx, String path, Optional<String> label, String operation) {
        String body = ctx.body() == null || ctx.body().buffer() == null ? ""
                : ctx.body().buffer().toString(StandardCharsets.US_ASCII);
        return operations.serve(ctx.request().method().name(), path, label, operation,
                ctx.request().getHeader("Authorization"), clientCertificate(ctx), body, sourceOf(ctx));
    }

    /** The client's address without the port: the key under which refusals of unverified callers are counted. */
    private static String sourceOf(RoutingContext ctx) {
        var address = ctx.request().connection().remoteAddress();
        return address == null || address.hostAddress() == null ? "unknown" : address.hostAddress();
    }

    /** The TLS client certificate (leaf), if the client sent one; the handshake proved it holds the key. */
    private static byte[] clientCertificate(RoutingContext ctx) {
        try {
            List<java.security.cert.Certificate> chain = ctx.request().connection().peerCertificates();
            return chain == null || chain.isEmpty() ? null : chain.get(0).getEncoded();
        } catch (javax.net.ssl.SSLPeerUnverifiedException | java.security.cert.CertificateEncodingException e) {
            return null;
        }
    }

    /** A fresh key certified now by the issuing CA for the public host, localhost and 127.0.0.1. */
    private ServerCertificate issue() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        Set<String> hosts = new LinkedHashSet<>();
        String publicHost = URI.create(publicUrl).getHost();
        if (publicHost != null) {
            hosts.add(publicHost.replaceAll("^\\[|]$", "")); // an IPv6 literal comes in brackets
        }
        hosts.add("localhost");
        hosts.add("127.0.0.1");
        EnrollmentResult issued = serviceCertificates.tlsServer(SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()),
                new ArrayList<>(hosts), config.serverCertificateValidity(), instance);
        String serial = issued.certificate().getSerialNumber().toString(16);
        LOG.infof("EST TLS server certificate %s issued for %s, valid until %s", serial, hosts,
                issued.certificate().getNotAfter().toInstant());
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        chain.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(encoded(issued.certificate()))));
        for (X509CertificateHolder ca : issued.chain()) {
            chain.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(encoded(ca))));
        }
        return new ServerCertificate(serial, issued.certificate().getNotAfter().toInstant(), key.getPrivate(),
                chain.toArray(X509Certificate[]::new));
    }

    private static byte[] encoded(X509CertificateHolder cert) {
        try {
            return cert.getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Accepts every client chain at the TLS layer, expired ones included: EST decides per operation
     * which certificates count (a station's, a device's current one), against the ledger.
     */
    static final class AnyClientCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("this trust manager only receives client certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("this trust manager only receives client certificates");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("this trust manager only receives client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
