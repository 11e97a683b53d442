package io.fleetca.est;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetca.testing.EstJvmProfile;
import io.fleetca.testing.EstSockets;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Slow and idle clients against the EST server's limits (EstJvmProfile: idle timeout 2 s, request
 * timeout 4 s, 4 connections at most). Raw TLS sockets; the bounds are generous (10× the setting):
 * what is asserted is that the server closes, not when.
 */
@QuarkusTest
@TestProfile(EstJvmProfile.class)
@Tag("est-jvm")
class EstConnectionLimitsTest {

    private static final String CACERTS = "GET /.well-known/est/cacerts HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (SSLSocket idle = EstSockets.connect(EstTest.root())) {
            assertNotNull(EstSockets.readUntilClosed(idle, 20_000), "an idle connection is closed (idle timeout 2 s)");
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedWhenIdleAfterItsResponse() throws Exception {
        try (SSLSocket socket = EstSockets.connect(EstTest.root())) {
            EstSockets.send(socket, "GET /.well-known/est/cacerts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            String answer = EstSockets.readUntilClosed(socket, 20_000);
            assertNotNull(answer, "closed after the response, once idle");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void aClientSendingItsHeadersTooSlowlyIsCutOff() throws Exception {
        try (SSLSocket slow = EstSockets.connect(EstTest.root())) {
            CompletableFuture<String> closed = CompletableFuture.supplyAsync(() -> {
                try {
                    return EstSockets.readUntilClosed(slow, 60_000);
                } catch (IOException e) {
                    return "";
                }
            });
            EstSockets.send(slow, "GET /.well-known/est/cacerts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
            // One byte every 300 ms: never idle for 2 s, but the headers never end (request timeout 4 s).
            long giveUp = System.currentTimeMillis() + 40_000;
            try {
                while (!closed.isDone() && System.currentTimeMillis() < giveUp) {
                    EstSockets.send(slow, "a");
                    Thread.sleep(300);
                }
            } catch (IOException writeRefused) {
                // The server closed the connection under us: that is the behaviour sought.
            }
            String answer = closed.get(30, TimeUnit.SECONDS);
            assertNotNull(answer, "the slow client is cut off");
            assertTrue(!answer.contains("200 OK"), "no answer to a request that never completed: " + answer);
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosed() throws Exception {
        X509Certificate root = EstTest.root();
        List<SSLSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < EstJvmProfile.MAX_CONNECTIONS; i++) {
                held.add(EstSockets.connect(root));
            }
            String refused;
            try (SSLSocket extra = EstSockets.connect(root)) {
                EstSockets.send(extra, CACERTS);
                refused = EstSockets.readUntilClosed(extra, 20_000);
            } catch (IOException closedDuringHandshake) {
                refused = "";
            }
            assertNotNull(refused, "closed by the server");
            assertTrue(!refused.startsWith("HTTP/1.1 200"), "a connection beyond the cap is not served: " + refused);
        } finally {
            for (SSLSocket s : held) {
                s.close();
            }
        }
        // Below the cap again, connections are served.
        String served = "";
        long giveUp = System.currentTimeMillis() + 20_000;
        while (!served.startsWith("HTTP/1.1 200") && System.currentTimeMillis() < giveUp) {
            Thread.sleep(200);
            try (SSLSocket again = EstSockets.connect(root)) {
                EstSockets.send(again, CACERTS);
                String answer = EstSockets.readUntilClosed(again, 20_000);
                served = answer == null ? "" : answer;
            }
        }
        assertTrue(served.startsWith("HTTP/1.1 200"), served);
    }

    @Test
    void oversizedHeadersAreRefused() throws Exception {
        try (SSLSocket socket = EstSockets.connect(EstTest.root())) {
            EstSockets.send(socket, "GET /.well-known/est/cacerts HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(10_000)
                    + "\r\nConnection: close\r\n\r\n");
            String answer = EstSockets.readUntilClosed(socket, 20_000);
            assertNotNull(answer);
            assertTrue(answer.startsWith("HTTP/1.1 431"), answer);
        }
    }
}
