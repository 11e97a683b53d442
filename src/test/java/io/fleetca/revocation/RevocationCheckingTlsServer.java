package io.fleetca.revocation;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A TLS server as a Java MQTT broker runs one: the JDK's SSLServerSocket requiring a client certificate,
 * its PKIX trust manager trusting FleetCA's root with revocation checking on for the whole path (the JDK's
 * revocation checker in its default mode: OCSP from each certificate's AIA, no soft fail), which is what
 * {@code com.sun.net.ssl.checkRevocation=true} with {@code ocsp.enable=true} sets up. Serves one handshake at a time.
 */
final class RevocationCheckingTlsServer implements AutoCloseable {

    private final SSLServerSocket server;
    private final X509Certificate serverCertificate;
    private final ExecutorService acceptor = Executors.newSingleThreadExecutor();

    RevocationCheckingTlsServer(X509Certificate root) throws Exception {
        KeyPair serverKey = ecKey();
        serverCertificate = selfSigned(serverKey);
        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        serverKeys.load(null, null);
        serverKeys.setKeyEntry("server", serverKey.getPrivate(), new char[0], new X509Certificate[] {serverCertificate});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(serverKeys, new char[0]);

        PKIXBuilderParameters params = new PKIXBuilderParameters(Set.of(new TrustAnchor(root, null)), new X509CertSelector());
        params.setRevocationEnabled(true);
        params.addCertPathChecker((PKIXRevocationChecker) CertPathValidator.getInstance("PKIX", "SUN").getRevocationChecker());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(new CertPathTrustManagerParameters(params));

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 5,
                java.net.InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
    }

    /** A client handshake with this key and chain; returns the client certificate the server accepted. */
    X509Certificate handshake(KeyPair clientKey, List<X509Certificate> chain) throws Exception {
        Future<X509Certificate> accepted = acceptor.submit(() -> {
            try (SSLSocket s = (SSLSocket) server.accept()) {
                s.setSoTimeout(20_000);
                s.startHandshake();
                s.getOutputStream().write(1);
                s.getOutputStream().flush();
                return (X509Certificate) s.getSession().getPeerCertificates()[0];
            }
        });
        KeyStore clientKeys = KeyStore.getInstance("PKCS12");
        clientKeys.load(null, null);
        clientKeys.setKeyEntry("device", clientKey.getPrivate(), new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(clientKeys, new char[0]);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", serverCertificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLSocket client = (SSLSocket) context.getSocketFactory().createSocket(server.getInetAddress(),
                server.getLocalPort())) {
            client.setSoTimeout(20_000);
            client.startHandshake();
            // TLS 1.3: the server checks the client certificate after the client's Finished; reading makes
            // its verdict (data, or an alert) reach the client.
            if (client.getInputStream().read() != 1) {
                throw new javax.net.ssl.SSLException("the server closed the connection");
            }
        }
        try {
            return accepted.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new javax.net.ssl.SSLException("the server refused the handshake", e.getCause());
        }
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static X509Certificate selfSigned(KeyPair key) throws Exception {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=broker.test");
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, key.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }

    @Override
    public void close() throws Exception {
        acceptor.shutdownNow();
        server.close();
    }
}
