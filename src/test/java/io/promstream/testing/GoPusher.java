package io.promstream.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs src/test/go/pusher: the real Go client (client_golang 1.14's push package) pushing a deterministic set of
 * metrics for a round N to a Pushgateway-compatible URL; see the comment at the top of its main.go for the
 * flags, the request it sends and the exact values per round.
 *
 * <p>The binary is built once per JVM, on first use, by scripts/build-go-pusher.sh (offline, GOPATH mode,
 * Debian's golang-go and golang-github-prometheus-client-golang-dev) into target/go-pusher/pusher; concurrent
 * first callers wait for that one build. Environment variable {@code GO_PUSHER} names a prebuilt binary to use
 * instead.
 */
public final class GoPusher {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static final Object BUILD_LOCK = new Object();
    private static Path binary; // guarded by BUILD_LOCK
    private static AssertionError buildFailure; // guarded by BUILD_LOCK: a failed build is not retried

    private GoPusher() {}

    /** The pusher binary, built on the first call in this JVM (a failed build is rethrown to every later caller). */
    @SuppressWarnings("StaticAssignmentOfThrowable")
    public static Path binary() {
        synchronized (BUILD_LOCK) {
            if (binary != null) {
                return binary;
            }
            if (buildFailure != null) {
                throw buildFailure;
            }
            String prebuilt = System.getenv("GO_PUSHER");
            if (prebuilt != null && !prebuilt.isEmpty()) {
                binary = Path.of(prebuilt).toAbsolutePath();
                return binary;
            }
            Path out = Path.of("target", "go-pusher", "pusher").toAbsolutePath();
            ExternalProcess.Result build;
            try {
                build = ExternalProcess.run(
                        List.of("bash", "scripts/build-go-pusher.sh", out.toString()),
                        Map.of(),
                        BUILD_TIMEOUT,
                        "bash is required");
            } catch (AssertionError e) {
                buildFailure = e;
                throw e;
            }
            if (!build.ok() || !Files.isExecutable(out)) {
                buildFailure = new AssertionError("building the Go pusher failed: " + build);
                throw buildFailure;
            }
            binary = out;
            return binary;
        }
    }

    /** Runs the pusher with these flags (e.g. {@code "-url", url, "-job", "j", "-round", "2"}), 30 s at most. */
    public static ExternalProcess.Result run(String... args) {
        return run(RUN_TIMEOUT, List.of(args));
    }

    public static ExternalProcess.Result run(Duration timeout, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(args);
        return ExternalProcess.run(command, Map.of(), timeout, null);
    }

    /**
     * Pushes round {@code round} to {@code url} for {@code job}; {@code format} is protobuf or text, {@code method}
     * push, add or delete, {@code grouping} name=value pairs. Fails unless the pusher exits 0.
     */
    public static ExternalProcess.Result push(
            String url, String job, String format, String method, int round, String... grouping) {
        List<String> args = new ArrayList<>(List.of(
                "-url", url, "-job", job, "-format", format, "-method", method, "-round", Integer.toString(round)));
        for (String pair : grouping) {
            args.add("-grouping");
            args.add(pair);
        }
        return run(RUN_TIMEOUT, args).assertOk();
    }
}
