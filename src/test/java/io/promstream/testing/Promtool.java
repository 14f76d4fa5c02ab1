package io.promstream.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs Prometheus' {@code promtool check metrics} (Debian package {@code prometheus}) on an exposition. */
public final class Promtool {
    private Promtool() {}

    /** What promtool reported (empty when it found nothing to complain about); fails when it cannot run. */
    public static String checkMetrics(String exposition) {
        try {
            Process process = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(exposition.getBytes(StandardCharsets.UTF_8));
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("promtool did not finish");
            }
            return process.exitValue() == 0 ? output : "exit " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            throw new AssertionError("promtool is required (apt-get install prometheus)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
