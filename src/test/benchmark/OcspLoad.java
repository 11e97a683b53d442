import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * OCSP load client for the benchmark script: concurrent clients, bounded in time and count.
 *
 * Usage: java -cp <bouncycastle jars> OcspLoad.java <base-url> <issuer.der> <serials-file> <mode> <clients> <seconds>
 *                                                   [warm-up seconds, default 5, not counted]
 *   mode cached: GET without nonce (RFC 5019), serials drawn at random from the file
 *   mode nonce:  POST with a fresh 32-octet nonce per request (RFC 8954): every response freshly signed
 * Prints one line: mode, clients, requests, responses per second, p50/p99 latency; every response is
 * parsed and must be a successful OCSP response, else the run fails.
 */
public class OcspLoad {

    private static final int MAX_REQUESTS_PER_CLIENT = 1_000_000;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        X509CertificateHolder issuer = new X509CertificateHolder(Files.readAllBytes(Path.of(args[1])));
        List<BigInteger> serials = Files.readAllLines(Path.of(args[2])).stream().filter(s -> !s.isBlank())
                .map(s -> new BigInteger(s.trim(), 16)).toList();
        boolean nonce = args[3].equals("nonce");
        int clients = Integer.parseInt(args[4]);
        Duration length = Duration.ofSeconds(Long.parseLong(args[5]));

        List<CertificateID> ids = new ArrayList<>();
        var sha1 = new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1);
        for (BigInteger s : serials) {
            ids.add(new CertificateID(sha1, issuer, s));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        // Warm-up (this JVM's JIT and connections, the server's caches), then the measured run.
        long warmup = System.nanoTime() + Duration.ofSeconds(args.length > 6 ? Long.parseLong(args[6]) : 5).toNanos();
        List<Future<long[]>> warming = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            warming.add(pool.submit(() -> run(http, base, ids, nonce, warmup)));
        }
        for (Future<long[]> f : warming) {
            f.get();
        }
        long deadline = System.nanoTime() + length.toNanos();
        List<Future<long[]>> results = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> run(http, base, ids, nonce, deadline)));
        }
        List<Long> latencies = new ArrayList<>();
        long started = System.nanoTime();
        for (Future<long[]> f : results) {
            for (long l : f.get()) {
                latencies.add(l);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("ocsp %-6s clients=%d requests=%d rps=%.0f p50=%.1fms p99=%.1fms%n", args[3], clients,
                sorted.length, sorted.length / seconds, pct(sorted, 0.50) / 1e6, pct(sorted, 0.99) / 1e6);
    }

    private static long[] run(HttpClient http, String base, List<CertificateID> ids, boolean nonce, long deadline)
            throws Exception {
        SecureRandom random = new SecureRandom();
        long[] latencies = new long[MAX_REQUESTS_PER_CLIENT];
        int n = 0;
        while (n < latencies.length && System.nanoTime() < deadline) {
            CertificateID id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
            OCSPReqBuilder b = new OCSPReqBuilder().addRequest(id);
            HttpRequest request;
            if (nonce) {
                byte[] value = new byte[32];
                random.nextBytes(value);
                b.setRequestExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                        new DEROctetString(new DEROctetString(value)))));
                request = HttpRequest.newBuilder(URI.create(base + "/ocsp")).header("Content-Type", "application/ocsp-request")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(b.build().getEncoded())).build();
            } else {
                String path = URLEncoder.encode(Base64.getEncoder().encodeToString(b.build().getEncoded()), StandardCharsets.UTF_8);
                request = HttpRequest.newBuilder(URI.create(base + "/ocsp/" + path)).GET().build();
            }
            long t0 = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            latencies[n++] = System.nanoTime() - t0;
            if (response.statusCode() != 200 || new OCSPResp(response.body()).getStatus() != OCSPResp.SUCCESSFUL) {
                throw new IllegalStateException("unsuccessful OCSP answer: HTTP " + response.statusCode());
            }
        }
        return Arrays.copyOf(latencies, n);
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }
}
