package io.promstream.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Go test program under src/test/go, built once per JVM on first use by scripts/build-go-pusher.sh (offline,
 * GOPATH mode, Debian's golang-go and client_golang) into target/go-pusher/; concurrent first callers wait for that
 * one build, and a failed build is not retried. An environment variable may name a prebuilt binary instead.
 */
final class GoProgram {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    private final String name;
    private final String prebuiltVariable;
    private Path binary; // guarded by this
    private AssertionError buildFailure; // guarded by this

    /** @param name its directory under src/test/go; {@code prebuiltVariable}: the variable naming a prebuilt one */
    GoProgram(String name, String prebuiltVariable) {
        this.name = name;
        this.prebuiltVariable = prebuiltVariable;
    }

    /** The binary, built on the first call (a failed build is rethrown to every later caller). */
    synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        if (buildFailure != null) {
            throw buildFailure;
        }
        String prebuilt = System.getenv(prebuiltVariable);
        if (prebuilt != null && !prebuilt.isEmpty()) {
            binary = Path.of(prebuilt).toAbsolutePath();
            return binary;
        }
        Path out = Path.of("target", "go-pusher", name).toAbsolutePath();
        ExternalProcess.Result build;
        try {
            build = ExternalProcess.run(
                    List.of("bash", "scripts/build-go-pusher.sh", out.toString(), name),
                    Map.of(),
                    BUILD_TIMEOUT,
                    "bash is required");
        } catch (AssertionError e) {
            buildFailure = e;
            throw e;
        }
        if (!build.ok() || !Files.isExecutable(out)) {
            buildFailure = new AssertionError("building the Go program " + name + " failed: " + build);
            throw buildFailure;
        }
        binary = out;
        return binary;
    }

    /** Runs it with these flags, {@code timeout} at most, whatever its exit code. */
    ExternalProcess.Result run(Duration timeout, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(args);
        return ExternalProcess.run(command, Map.of(), timeout, null);
    }
}
