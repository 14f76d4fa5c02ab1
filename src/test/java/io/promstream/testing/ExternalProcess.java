package io.promstream.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived external program to its end, with a deadline: its stdout and stderr together go to a
 * temporary file (so a chatty program never blocks on a full pipe and the deadline holds even while it
 * writes), which is read once the program has exited.
 */
public final class ExternalProcess {
    private ExternalProcess() {}

    /** How a program ended: its exit code and everything it printed (stdout and stderr, interleaved). */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** This result when the program exited 0; otherwise an AssertionError with the command and output. */
        public Result assertOk() {
            if (exitCode != 0) {
                throw new AssertionError(this);
            }
            return this;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " exited " + exitCode + (output.isBlank() ? "" : ":\n" + output.strip());
        }
    }

    /**
     * Runs {@code command} in the working directory with {@code extraEnv} added to this JVM's environment. Fails
     * (AssertionError) when it cannot start (adding {@code missingHint}, e.g. what to install, when not null) or
     * has not exited within {@code timeout}; it is then killed.
     */
    public static Result run(List<String> command, Map<String, String> extraEnv, Duration timeout, String missingHint) {
        Path log;
        try {
            log = Files.createTempFile("external-process-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(extraEnv);
            Process process;
            try {
                process = builder.start();
                process.getOutputStream().close(); // no input: a program that reads stdin sees its end
            } catch (IOException e) {
                throw new AssertionError(
                        "cannot run " + command.get(0) + (missingHint == null ? "" : " (" + missingHint + ")"), e);
            }
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                            + "; killed. Output so far:\n" + read(log));
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while running " + String.join(" ", command), e);
            }
            return new Result(List.copyOf(command), process.exitValue(), read(log));
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a leftover temporary file
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable output: " + e + ")";
        }
    }
}
