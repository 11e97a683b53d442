package io.fleetca.est;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Connection limits of the EST server that Vert.x has no option for: a cap on open connections and a
 * deadline for each request to be read (headers and body), from the connection or from the end of the
 * previous response. The idle timeout alone does not stop a client that trickles one byte at a time
 * (slowloris); the cap keeps such clients from taking every file descriptor.
 */
final class ConnectionLimits {

    private static final Logger LOG = Logger.getLogger(ConnectionLimits.class);

    private final Vertx vertx;
    private final long requestTimeoutMillis;
    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();
    /** The pending request deadline (a Vert.x timer id) per connection that is waiting for a request. */
    private final Map<HttpConnection, Long> deadlines = new ConcurrentHashMap<>();

    ConnectionLimits(Vertx vertx, long requestTimeoutMillis, int maxConnections) {
        this.vertx = vertx;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.maxConnections = maxConnections;
    }

    /** A new connection (TLS handshake done): over the cap it is closed at once, else its first request is awaited. */
    void opened(HttpConnection connection) {
        int now = open.incrementAndGet();
        connection.closeHandler(v -> {
            open.decrementAndGet();
            disarm(connection);
        });
        if (now > maxConnections) {
            LOG.debugf("EST connection from %s closed: %d connections are open (fleetca.est.max-connections)",
                    connection.remoteAddress(), now - 1);
            connection.close();
            return;
        }
        arm(connection);
    }

    /** The request on this connection has been read completely: no deadline while it is served. */
    void requestRead(HttpConnection connection) {
        disarm(connection);
    }

    /** The response was sent: the next request on the kept-alive connection has a deadline again. */
    void responded(HttpConnection connection) {
        arm(connection);
    }

    int open() {
        return open.get();
    }

    private void arm(HttpConnection connection) {
        long timer = vertx.setTimer(requestTimeoutMillis, id -> {
            if (deadlines.remove(connection, id)) {
                LOG.debugf("EST connection from %s closed: no complete request within %d ms (fleetca.est.request-timeout)",
                        connection.remoteAddress(), requestTimeoutMillis);
                connection.close();
            }
        });
        Long previous = deadlines.put(connection, timer);
        if (previous != null) {
            vertx.cancelTimer(previous);
        }
    }

    private void disarm(HttpConnection connection) {
        Long timer = deadlines.remove(connection);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
    }
}
