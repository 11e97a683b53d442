package io.fleetca.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Raw TLS connections to the EST server (JSSE, trusting only FleetCA's root), for slow and idle clients. */
public final class EstSockets {
    private EstSockets() {}

    /** A connection whose TLS handshake is done, verified against {@code root}. */
    public static SSLSocket connect(X509Certificate root) throws Exception {
        SSLSocket socket = (SSLSocket) trusting(root).getSocketFactory().createSocket("127.0.0.1", FleetCaTestResource.EST_PORT);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    /** A TLS context that trusts only {@code root} (PKIX path validation). */
    public static SSLContext trusting(X509Certificate root) throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("root", root);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(anchors);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        return tls;
    }

    /** What the server sent until it closed the connection; null if it was still open after {@code waitMillis}. */
    public static String readUntilClosed(SSLSocket socket, int waitMillis) throws IOException {
        socket.setSoTimeout(waitMillis);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                got.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            // A reset or TLS alert is the server closing too.
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    public static void send(SSLSocket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }
}
