package io.promstream.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static final GoProgram PROGRAM = new GoProgram("pusher", "GO_PUSHER");

    private GoPusher() {}

    /** The pusher binary, built on the first call in this JVM (a failed build is rethrown to every later caller). */
    public static Path binary() {
        return PROGRAM.binary();
    }

    /** Runs the pusher with these flags (e.g. {@code "-url", url, "-job", "j", "-round", "2"}), 30 s at most. */
    public static ExternalProcess.Result run(String... args) {
        return run(RUN_TIMEOUT, List.of(args));
    }

    public static ExternalProcess.Result run(Duration timeout, List<String> args) {
        return PROGRAM.run(timeout, args);
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
