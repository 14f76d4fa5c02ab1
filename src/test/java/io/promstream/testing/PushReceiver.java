package io.promstream.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server on 127.0.0.1 (ephemeral port) that takes pushes: it records every request (method, raw
 * path, Content-Type, body) and answers 200 with an empty body, as the Pushgateway answers a successful push. A
 * recorded delimited-protobuf body decodes with {@link Request#families()} into the generated
 * {@code io.prometheus.client} classes.
 */
public final class PushReceiver implements AutoCloseable {
    /** A request as it came. */
    public record Request(String method, String rawPath, String contentType, byte[] body) {
        /** The body as a sequence of varint-delimited MetricFamily messages. */
        public List<Metrics.MetricFamily> families() {
            return delimitedFamilies(body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Request> requests = new ArrayList<>(); // guarded by this

    private PushReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "push-receiver");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static PushReceiver start() {
        return new PushReceiver();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The requests so far, oldest first. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Waits until at least {@code n} requests have come and returns the n-th (1-based). */
    public Request awaitRequest(int n, Duration timeout) {
        Await.until(timeout, () -> requests().size() >= n, () -> "fewer than " + n + " requests: " + requests());
        return requests().get(n - 1);
    }

    /** Decodes a sequence of varint-delimited MetricFamily messages (the delimited protobuf exposition). */
    public static List<Metrics.MetricFamily> delimitedFamilies(byte[] body) {
        List<Metrics.MetricFamily> families = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(body)) {
            Metrics.MetricFamily family;
            while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.add(family);
            }
        } catch (IOException e) {
            throw new AssertionError("not a delimited protobuf exposition", e);
        }
        return families;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            synchronized (this) {
                requests.add(new Request(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        body));
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
