package io.promstream.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** HTTP calls against a running gateway, and a reader for its text exposition. */
public final class GatewayClient {
    private final int appPort;

    public int appPort() {
        return appPort;
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String app;
    private final String admin;

    public GatewayClient(int appPort, int adminPort) {
        this.appPort = appPort;
        this.app = "http://127.0.0.1:" + appPort;
        this.admin = "http://127.0.0.1:" + adminPort;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(app + path)).GET().build());
    }

    public HttpResponse<String> get(String path, String accept) {
        return send(HttpRequest.newBuilder(URI.create(app + path))
                .header("Accept", accept)
                .GET()
                .build());
    }

    /** {@code http://127.0.0.1:<admin port>}. */
    public String adminBase() {
        return admin;
    }

    public HttpResponse<String> admin(String path) {
        return send(HttpRequest.newBuilder(URI.create(admin + path)).GET().build());
    }

    public HttpResponse<String> adminPost(String path) {
        return send(HttpRequest.newBuilder(URI.create(admin + path))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public String scrape() {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Every sample line of the 0.0.4 text format, keyed by everything before the value. */
    public static Map<String, Double> samples(String exposition) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Exposition.number(line.substring(space + 1)));
        }
        return out;
    }

    /** The value of one rendered series, e.g. {@code jobs_total{queue="mail",}}, or NaN when absent. */
    public double value(String series) {
        return samples(scrape()).getOrDefault(series, Double.NaN);
    }

    /** The sum of every sample of {@code name} (any labels). */
    public double sum(String name) {
        double total = 0;
        for (Map.Entry<String, Double> e : samples(scrape()).entrySet()) {
            String key = e.getKey();
            if (key.equals(name) || key.startsWith(name + "{")) {
                total += e.getValue();
            }
        }
        return total;
    }

    /** Waits until a rendered series has the expected value. */
    public void awaitValue(String series, double expected) {
        Await.until(
                Duration.ofSeconds(20),
                () -> value(series) == expected,
                () -> series + " expected " + expected + " but was " + value(series));
    }
}
