package io.promstream.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tiny HTTP server on 127.0.0.1 (ephemeral port) that answers GET on given paths with a fixed body and
 * Content-Type, e.g. an exposition for {@link PrometheusServer} to scrape. It ignores the Accept header, but
 * records the last one per path (to see what the scraper asked for).
 */
public final class StaticExpositionServer implements AutoCloseable {
    private record Content(
            String contentType, byte[] body, AtomicInteger requests, AtomicReference<String> lastAccept) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Content> contents = new ConcurrentHashMap<>();

    private StaticExpositionServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "static-exposition-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StaticExpositionServer start() {
        return new StaticExpositionServer();
    }

    /** Serves {@code body} with {@code contentType} at {@code path} (replacing what was there); its URL. */
    public URI serve(String path, String contentType, byte[] body) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        contents.put(path, new Content(contentType, body.clone(), new AtomicInteger(), new AtomicReference<>()));
        return uri(path);
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** How many times {@code path} was requested since it was last {@link #serve served}. */
    public int requests(String path) {
        Content content = contents.get(path);
        return content == null ? 0 : content.requests().get();
    }

    /** The Accept header of the last request for {@code path}, or null. */
    public String lastAccept(String path) {
        Content content = contents.get(path);
        if (content == null) {
            return null;
        }
        return content.lastAccept().get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Content content = contents.get(exchange.getRequestURI().getPath());
            if (content == null || !"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(content == null ? 404 : 405, -1);
                return;
            }
            content.lastAccept().set(exchange.getRequestHeaders().getFirst("Accept"));
            content.requests().incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", content.contentType());
            exchange.sendResponseHeaders(200, content.body().length == 0 ? -1 : content.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
