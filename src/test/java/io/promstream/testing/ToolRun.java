package io.promstream.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool of the test machine (keytool, openssl) in a directory, failing with its output. */
public final class ToolRun {
    private ToolRun() {}

    /** Runs {@code command} in {@code dir} within a minute; its output goes to {@code dir/<name>.log}. */
    public static void run(Path dir, String name, List<String> command) {
        Path log = dir.resolve(name + ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " timed out: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        name + " failed (" + process.exitValue() + "): " + command + "\n" + Files.readString(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + name + " (apt-get install it?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
