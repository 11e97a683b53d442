package io.fleetca.est;

import io.fleetca.ra.EnrollmentResult;
import io.fleetca.ra.ServiceCertificates;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
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

    @ConfigProperty(name = "fleetca.public-url")
    String publicUrl;

    private HttpServer server;

    /** After the development bootstrap (default priority) has created the CAs. */
    void start(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 500) StartupEvent event)
            throws Exception {
        if (!config.enabled()) {
            return;
        }
        Router router = Router.router(vertx);
        // No file uploads: EST bodies are base64 text, and uploads would be written to disk before any check.
        router.route(BASE + "*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
        router.route(BASE + "*").blockingHandler(this::handle, false);
        HttpServerOptions options = new HttpServerOptions().setSsl(true).setHost(config.host()).setPort(config.port())
                .setKeyCertOptions(keyAndCertificate()).setTrustOptions(TrustOptions.wrap(new AnyClientCertificate()))
                .setClientAuth(ClientAuth.REQUEST);
        server = vertx.createHttpServer(options).requestHandler(router).listen()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.infof("EST served at https://%s:%d%s", config.host(), server.actualPort(), BASE);
    }

    void stop(@Observes ShutdownEvent event) throws Exception {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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
        var response = ctx.response().setStatusCode(reply.status());
        reply.headers().forEach(response::putHeader);
        response.end(reply.body());
    }

    private EstReply serve(RoutingContext ctx, String path, Optional<String> label, String operation) {
        String body = ctx.body() == null || ctx.body().buffer() == null ? ""
                : ctx.body().buffer().toString(StandardCharsets.US_ASCII);
        return operations.serve(ctx.request().method().name(), path, label, operation,
                ctx.request().getHeader("Authorization"), clientCertificate(ctx), body);
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

    /** The configured PEM files, or a fresh key certified now by the issuing CA. */
    private PemKeyCertOptions keyAndCertificate() throws GeneralSecurityException {
        if (config.certificateFile().isPresent() && config.keyFile().isPresent()) {
            return new PemKeyCertOptions().setCertPath(config.certificateFile().get()).setKeyPath(config.keyFile().get());
        }
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
                new ArrayList<>(hosts));
        LOG.infof("EST TLS server certificate %s issued for %s", issued.certificate().getSerialNumber().toString(16), hosts);
        StringBuilder chain = new StringBuilder(pem("CERTIFICATE", encoded(issued.certificate())));
        for (X509CertificateHolder ca : issued.chain()) {
            chain.append(pem("CERTIFICATE", encoded(ca)));
        }
        return new PemKeyCertOptions().setKeyValue(Buffer.buffer(pem("PRIVATE KEY", key.getPrivate().getEncoded())))
                .setCertValue(Buffer.buffer(chain.toString()));
    }

    private static byte[] encoded(X509CertificateHolder cert) {
        try {
            return cert.getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
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
