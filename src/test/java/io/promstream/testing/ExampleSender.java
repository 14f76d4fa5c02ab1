package io.promstream.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The example senders of examples/, which push the documented workload (examples/README.md), and how to run them.
 * {@link #requireReady()} fails, with what to install, when one cannot run here ({@code make deps} installs them).
 */
public enum ExampleSender {
    PHP("php", List.of("php", "examples/php/push_metrics.php", "--count=%d", "--sender=php")),
    PYTHON(
            "python",
            List.of("/usr/bin/python3", "examples/python/push_metrics.py", "--count", "%d", "--sender", "python")),
    NODE("node", List.of("node", "examples/node/push-metrics.js", "--count=%d", "--sender=node")),
    SHELL("shell", List.of("bash", "examples/shell/push-metrics.sh", "--count", "%d", "--sender", "shell"));

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final Map<ExampleSender, Boolean> READY = new ConcurrentHashMap<>();

    /** The value of the {@code sender} label its samples carry. */
    public final String label;

    @SuppressWarnings("ImmutableEnumChecker") // List.of: immutable
    private final List<String> command;

    ExampleSender(String label, List<String> command) {
        this.label = label;
        this.command = command;
    }

    /** The command pushing {@code count} simulated requests (5 samples each). */
    public List<String> command(int count) {
        return command.stream()
                .map(a -> a.replace("%d", Integer.toString(count)))
                .collect(Collectors.toList());
    }

    /** Runs it to completion with this environment added; fails the test if it fails. */
    public ExternalProcess.Result run(int count, Map<String, String> env) {
        requireReady();
        return ExternalProcess.run(command(count), env, RUN_TIMEOUT, null).assertOk();
    }

    /**
     * Fails, with what to install, when the sender cannot run here; installs node-redis with npm ci when
     * examples/node has no node_modules yet. Checked once per sender.
     */
    public void requireReady() {
        READY.computeIfAbsent(this, s -> {
            switch (s) {
                case PHP ->
                    check(
                            List.of("php", "-r", "exit(class_exists('RedisCluster') ? 0 : 1);"),
                            "php with the phpredis extension (apt-get install php-cli php-redis)");
                case PYTHON ->
                    check(
                            List.of("/usr/bin/python3", "-c", "import redis.cluster"),
                            "/usr/bin/python3 with redis-py 4.1 or later (apt-get install python3-redis)");
                case NODE -> {
                    check(
                            List.of("node", "-e", "process.exit(+process.versions.node.split('.')[0] >= 18 ? 0 : 1)"),
                            "Node.js 18 or later, as examples/node/package.json and node-redis 4 want "
                                    + "(apt-get install nodejs)");
                    if (!Files.isDirectory(Path.of("examples/node/node_modules/redis"))) {
                        check(
                                List.of(
                                        "npm",
                                        "ci",
                                        "--prefix",
                                        "examples/node",
                                        "--no-audit",
                                        "--no-fund",
                                        "--loglevel=error"),
                                "npm to install node-redis (apt-get install npm)",
                                NPM_TIMEOUT);
                    }
                    check(
                            List.of("node", "-e", "require('./examples/node/node_modules/redis')"),
                            "node-redis in examples/node (cd examples/node && npm ci)");
                }
                case SHELL -> {
                    check(List.of("redis-cli", "--version"), "redis-cli (apt-get install redis-tools)");
                    check(
                            List.of("bash", "-c", "printf x | gzip -c | tail -c 8 | od -An -tu1 -N4"),
                            "bash, gzip and coreutils");
                }
                default -> throw new IllegalArgumentException(s.toString());
            }
            return true;
        });
    }

    private static void check(List<String> command, String need) {
        check(command, need, RUN_TIMEOUT);
    }

    private static void check(List<String> command, String need, Duration timeout) {
        ExternalProcess.Result result = ExternalProcess.run(command, Map.of(), timeout, "needs " + need);
        if (!result.ok()) {
            throw new AssertionError("this test needs " + need + " (make deps installs it); " + result);
        }
    }
}
