package io.promstream.testing;

import io.dropwizard.testing.ResourceHelpers;
import io.promstream.GatewayApplication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway in a process of its own (the test classpath, {@code test-config.yml} plus overrides), on free loopback
 * ports, logging at INFO to a file: for faults a process in the test's JVM cannot have — {@code kill -9},
 * {@code SIGSTOP}, a restart from nothing but Redis.
 */
public final class GatewayProcess implements AutoCloseable {
    private final String name;
    private final Path log;
    private final Process process;
    private final int appPort;
    private final int adminPort;

    private GatewayProcess(String name, Path log, Process process, int appPort, int adminPort) {
        this.name = name;
        this.log = log;
        this.process = process;
        this.appPort = appPort;
        this.adminPort = adminPort;
    }

    /**
     * Starts a gateway and waits until it answers.
     *
     * @param overrides configuration keys and values, as {@code -Ddw.<key>=<value>}
     */
    public static GatewayProcess start(Path dir, String name, Map<String, String> overrides) throws IOException {
        return start(dir, name, overrides, "512m");
    }

    /** {@link #start(Path, String, Map)} with this maximum heap ({@code -Xmx}). */
    public static GatewayProcess start(Path dir, String name, Map<String, String> overrides, String heap)
            throws IOException {
        return start(dir, name, "test-config.yml", overrides, heap);
    }

    /** {@link #start(Path, String, Map, String)} from another configuration of the test resources. */
    public static GatewayProcess start(
            Path dir, String name, String configResource, Map<String, String> overrides, String heap)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(dir, name, configResource, overrides, heap);
            } catch (AssertionError e) {
                // a port found free was taken before the gateway bound it (other processes of the test open
                // connections meanwhile): try fresh ports
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("Failed to bind to")) {
                    throw e;
                }
            }
        }
    }

    private static GatewayProcess startOnce(
            Path dir, String name, String configResource, Map<String, String> overrides, String heap)
            throws IOException {
        int app = RedisServer.freePort();
        int admin = RedisServer.freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-cp",
                System.getProperty("java.class.path"),
                "-Ddw.server.applicationConnectors[0].port=" + app,
                "-Ddw.server.adminConnectors[0].port=" + admin,
                "-Ddw.logging.level=INFO",
                "-Ddw.logging.appenders[0].threshold=INFO"));
        String flags = System.getProperty("gatewayProcess.jvmFlags", "");
        if (!flags.isBlank()) {
            command.addAll(List.of(flags.trim().split("\\s+")));
        }
        overrides.forEach((key, value) -> command.add("-Ddw." + key + "=" + value));
        command.addAll(List.of(
                GatewayApplication.class.getName(), "server", ResourceHelpers.resourceFilePath(configResource)));
        Path log = dir.resolve(name + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        GatewayProcess gateway = new GatewayProcess(name, log, process, app, admin);
        try {
            Await.until(
                    Duration.ofSeconds(60),
                    gateway::answers,
                    () -> name + " did not start; its log:\n" + gateway.log());
        } catch (AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
        return gateway;
    }

    private boolean answers() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + "; its log:\n" + log());
        }
        try {
            return client().get("/").statusCode() == 200;
        } catch (RuntimeException | AssertionError e) { // not listening yet
            return false;
        }
    }

    public String name() {
        return name;
    }

    public GatewayClient client() {
        return new GatewayClient(appPort, adminPort);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: no stop hook, no last checkpoint, no lease handed back. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, and the wait for a graceful exit. */
    public boolean stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGSTOP: the process keeps its sockets but does nothing, as in a long GC pause. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT"); // a paused process ignores SIGKILL until... it does not, but be sure it can exit
            } catch (IOException | InterruptedException ignored) {
                // gone already
            }
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", port " + appPort + ")";
    }
}
