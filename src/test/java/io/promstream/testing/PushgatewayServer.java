package io.promstream.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus Pushgateway process (Debian package {@code prometheus-pushgateway}, 1.5.1) on a free loopback
 * port, to compare the gateway's push modes against. It keeps its metrics in memory only
 * ({@code --persistence.file=}, overriding Debian's default state file) and has the admin API enabled, so
 * {@link #wipe()} ({@code PUT /api/v1/admin/wipe}) works. The binary is {@value #DEFAULT_BINARY} unless the
 * environment variable {@value #BINARY_ENV} names another. Can be stopped and started again on the same port.
 *
 * <p>Things a test against it must know: a successful checked push answers
 * 200 with an empty body, DELETE and wipe answer 202 before the store has applied them, and in 1.5.1 a request with
 * an invalid base64 job name ({@code /metrics/job@base64/!!}) leaves that method's handler for that route locked
 * for good, so every later request of the same kind hangs until the process is restarted.
 */
public final class PushgatewayServer implements AutoCloseable {
    public static final String BINARY_ENV = "PUSHGATEWAY_BIN";
    public static final String DEFAULT_BINARY = "/usr/bin/prometheus-pushgateway";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration WIPE_TIMEOUT = Duration.ofSeconds(10);
    private static final String EMPTY_STORE = "{\"status\":\"success\",\"data\":[]}";

    private final Path binary;
    private final int port;
    private Path dir; // created by start(), holds the process's log; deleted by close() or a failed start
    private final List<String> extraArgs;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private Process process;

    /** The binary from {@value #BINARY_ENV}, else {@value #DEFAULT_BINARY}; {@code extraArgs} are appended. */
    public PushgatewayServer(String... extraArgs) {
        this(configuredBinary(), extraArgs);
    }

    /** An explicit binary (e.g. an upstream release build); {@code extraArgs} are appended to the command line. */
    public PushgatewayServer(Path binary, String... extraArgs) {
        this.binary = binary;
        this.port = freePort();
        this.extraArgs = List.of(extraArgs);
    }

    /** Starts the process (if not running) and returns once {@code GET /-/ready} answers 200. */
    public synchronized PushgatewayServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
            throw new IllegalStateException("no Prometheus Pushgateway binary at " + binary
                    + " (install it: apt-get install prometheus-pushgateway, or point " + BINARY_ENV
                    + " at a pushgateway binary)");
        }
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--web.listen-address=127.0.0.1:" + port,
                "--persistence.file=", // in memory only; Debian's default is /var/lib/prometheus/pushgateway.data
                "--web.enable-admin-api"));
        command.addAll(extraArgs);
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("pushgateway-test-");
            }
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("pushgateway.log").toFile())
                    .start();
        } catch (IOException e) {
            close();
            throw new IllegalStateException(
                    "cannot start " + binary + " (install it: apt-get install prometheus-pushgateway)", e);
        }
        Process started = process;
        try {
            Await.until(
                    START_TIMEOUT,
                    () -> !started.isAlive() || isReady(),
                    () -> "pushgateway did not become ready on port " + port + "; log: " + log());
            if (!started.isAlive()) {
                throw new AssertionError(
                        "pushgateway exited with " + started.exitValue() + " on port " + port + "; log: " + log());
            }
        } catch (AssertionError e) {
            close(); // leave no process and no directory behind when the start failed (the log is in the message)
            throw e;
        }
        return this;
    }

    /** Terminates the process (SIGTERM, then SIGKILL after 10 s); its metrics are gone, the port stays reserved. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops the process and deletes its temporary directory (log included); {@link #start()} may follow. */
    @Override
    public synchronized void close() {
        stop();
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dir = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Whether {@code GET /-/ready} answers 200 right now. */
    public boolean isReady() {
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                            .timeout(Duration.ofMillis(500))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Deletes every group ({@code PUT /api/v1/admin/wipe}) and waits until {@code GET /api/v1/metrics} lists none:
     * the wipe answers 202 before the store has processed it.
     */
    public void wipe() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/admin/wipe"))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build());
        if (response.statusCode() != 202) {
            throw new AssertionError("wipe answered " + response.statusCode() + ": " + response.body());
        }
        Await.until(
                WIPE_TIMEOUT,
                () -> EMPTY_STORE.equals(send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/metrics"))
                                .GET()
                                .build())
                        .body()),
                "pushgateway still holds groups after the wipe");
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** GET of {@code path} below {@link #url()}. */
    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
    }

    /** Its /metrics in the text format 0.0.4 (its own metrics, push_time_seconds and every pushed group). */
    public String scrape() {
        HttpResponse<String> response = get("/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError(
                    "the Pushgateway's /metrics answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** What the process has written to stdout and stderr so far. */
    public synchronized String log() {
        if (dir == null) {
            return "(no log)";
        }
        try {
            return Files.readString(dir.resolve("pushgateway.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path configuredBinary() {
        String fromEnv = System.getenv(BINARY_ENV);
        if (fromEnv == null || fromEnv.isEmpty()) {
            return Path.of(DEFAULT_BINARY);
        }
        Path configured = Path.of(fromEnv);
        if (configured.getNameCount() == 1 && !configured.isAbsolute()) { // a bare name: look it up on the PATH
            String searchPath = System.getenv("PATH");
            for (String entry : searchPath == null ? new String[0] : searchPath.split(File.pathSeparator)) {
                Path candidate = Path.of(entry.isEmpty() ? "." : entry, fromEnv);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return configured;
    }
}
