package io.fleetca.testing;

import io.restassured.RestAssured;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;

/**
 * HTTP from another loopback address (127.0.0.2 and up), so a test is a source of its own for the per-source
 * limits (the other tests call from 127.0.0.1, which the test configuration exempts). JDK HttpClient, bound
 * with {@link HttpClient.Builder#localAddress}; for EST it trusts only FleetCA's root.
 */
public final class FromAddress implements AutoCloseable {

    private final HttpClient client;

    private FromAddress(HttpClient client) {
        this.client = client;
    }

    /** A client for the REST server. */
    public static FromAddress rest(String localAddress) throws Exception {
        return new FromAddress(HttpClient.newBuilder().localAddress(InetAddress.getByName(localAddress))
                .connectTimeout(Duration.ofSeconds(10)).build());
    }

    /** A client for the EST server, verifying it against {@code root}. */
    public static FromAddress est(String localAddress, X509Certificate root) throws Exception {
        return new FromAddress(HttpClient.newBuilder().localAddress(InetAddress.getByName(localAddress))
                .sslContext(EstSockets.trusting(root))
                .connectTimeout(Duration.ofSeconds(10)).build());
    }

    /** A path of the REST server under test. */
    public static URI restUri(String path) {
        return URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
    }

    /** A path of the EST server under test. */
    public static URI estUri(String path) {
        return URI.create("https://127.0.0.1:" + FleetCaTestResource.EST_PORT + "/.well-known/est/" + path);
    }

    public HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        client.close();
    }
}
