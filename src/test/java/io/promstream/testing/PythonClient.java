package io.promstream.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs src/test/python/client_push.py: the real Python client (Debian's python3-prometheus-client 0.16) pushing a
 * deterministic set of metrics for a round N with push_to_gateway, pushadd_to_gateway or delete_from_gateway; see
 * the script's docstring for the arguments, the request it sends and the exact values per round.
 *
 * <p>Always Debian's {@code /usr/bin/python3} (the one python3-prometheus-client installs for; a python3 earlier
 * on the PATH, e.g. pyenv's, may lack the module). The first call checks that the module imports.
 */
public final class PythonClient {
    public static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = "src/test/python/client_push.py";
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);
    private static final Map<String, String> ENV = Map.of("PYTHONDONTWRITEBYTECODE", "1");
    private static final Object CHECK_LOCK = new Object();
    private static boolean checked; // guarded by CHECK_LOCK

    private PythonClient() {}

    /** Fails clearly when /usr/bin/python3 is missing or cannot import prometheus_client; checked once per JVM. */
    public static void requireClient() {
        synchronized (CHECK_LOCK) {
            if (checked) {
                return;
            }
            ExternalProcess.Result check = ExternalProcess.run(
                    List.of(PYTHON, "-c", "import prometheus_client"),
                    ENV,
                    RUN_TIMEOUT,
                    "apt-get install python3 python3-prometheus-client");
            if (!check.ok()) {
                throw new AssertionError(PYTHON + " cannot import prometheus_client; install it: "
                        + "apt-get install python3-prometheus-client\n" + check);
            }
            checked = true;
        }
    }

    /** Runs the script with these arguments (e.g. {@code "--url", url, "--job", "j", "--round", "2"}), 30 s at most. */
    public static ExternalProcess.Result run(String... args) {
        return run(RUN_TIMEOUT, List.of(args));
    }

    public static ExternalProcess.Result run(Duration timeout, List<String> args) {
        requireClient();
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT));
        command.addAll(args);
        return ExternalProcess.run(command, ENV, timeout, null);
    }

    /** Runs a Python snippet ({@code python3 -c code}) with prometheus_client available, 30 s at most. */
    public static ExternalProcess.Result inline(String code) {
        requireClient();
        return ExternalProcess.run(List.of(PYTHON, "-c", code), ENV, RUN_TIMEOUT, null);
    }

    /**
     * Pushes round {@code round} to {@code url} for {@code job}; {@code mode} is push, pushadd or delete,
     * {@code grouping} name=value pairs. Fails unless the script exits 0.
     */
    public static ExternalProcess.Result push(String url, String job, String mode, int round, String... grouping) {
        List<String> args = new ArrayList<>(
                List.of("--url", url, "--job", job, "--mode", mode, "--round", Integer.toString(round)));
        for (String pair : grouping) {
            args.add("--grouping");
            args.add(pair);
        }
        return run(RUN_TIMEOUT, args).assertOk();
    }
}
