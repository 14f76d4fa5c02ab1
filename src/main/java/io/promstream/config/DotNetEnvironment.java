package io.promstream.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.apache.commons.text.lookup.StringLookup;

/**
 * The environment as config.yml reads it: our variables, and where one of them is unset, the .NET
 * prom-stream-gateway's equivalent (docs/configuration.md), so that a deployment that swaps that gateway's image
 * for ours keeps its settings. {@code Redis__ConnectionString} (StackExchange.Redis form,
 * {@code host:port[,password=...][,user=...][,ssl=true][,defaultDatabase=N]}) and
 * {@code Redis__MetricQueueDatabase} become {@code REDIS_URI}; {@code Redis__MetricQueueKey},
 * {@code Redis__MetricQueueWorkers} and {@code Redis__MetricQueuePopCount} the queue's settings;
 * {@code Metrics__DisableMetaMetrics} turns the meta metrics off. {@code Metrics__SortIncomingLabels} is
 * accepted: labels are always sorted. A value that cannot be used stops the start naming the variable.
 */
public final class DotNetEnvironment implements StringLookup {
    static final String CONNECTION_STRING = "Redis__ConnectionString";
    static final String DATABASE = "Redis__MetricQueueDatabase";
    private static final Map<String, String> RENAMED = Map.of(
            "REDIS_QUEUE_KEY", "Redis__MetricQueueKey",
            "REDIS_WORKERS", "Redis__MetricQueueWorkers",
            "REDIS_POP_COUNT", "Redis__MetricQueuePopCount");

    private final UnaryOperator<String> environment;
    private final TreeSet<String> used = new TreeSet<>();

    /** @param environment a variable's value, or {@code null} when unset ({@code System::getenv}) */
    public DotNetEnvironment(UnaryOperator<String> environment) {
        this.environment = environment;
    }

    @Override
    public String lookup(String key) {
        String ours = environment.apply(key);
        if (ours != null) {
            return ours;
        }
        return switch (key) {
            case "REDIS_URI" -> redisUri();
            case "META_METRICS_ENABLED" -> metaMetricsEnabled();
            default -> RENAMED.containsKey(key) ? legacy(RENAMED.get(key)) : null;
        };
    }

    /** The .NET variables that stood in for ours, for one log line at start. */
    public synchronized List<String> used() {
        return new ArrayList<>(used);
    }

    private synchronized String legacy(String name) {
        String value = environment.apply(name);
        if (value != null) {
            used.add(name);
        }
        return value;
    }

    private String metaMetricsEnabled() {
        String disable = legacy("Metrics__DisableMetaMetrics");
        if (disable == null) {
            return null;
        }
        return Boolean.toString(!bool("Metrics__DisableMetaMetrics", disable));
    }

    private String redisUri() {
        String connection = legacy(CONNECTION_STRING);
        String database = legacy(DATABASE);
        if (connection == null && database == null) {
            return null;
        }
        return toUri(connection == null ? "localhost:6379" : connection, database);
    }

    /** A StackExchange.Redis connection string (and the queue's database, when given) as a redis:// URI. */
    static String toUri(String connection, String queueDatabase) {
        String host = null;
        int port = 6379;
        String user = null;
        String password = null;
        boolean ssl = false;
        Integer database = null;
        for (String raw : connection.split(",")) {
            String token = raw.trim();
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            if (eq < 0) {
                if (host != null) {
                    continue; // further endpoints (a replica set): the first one is used
                }
                int colon = token.lastIndexOf(':');
                boolean bracketed = token.startsWith("[");
                if (colon > 0 && (!bracketed || token.lastIndexOf(']') < colon)) {
                    host = token.substring(0, colon);
                    port = port(token.substring(colon + 1));
                } else {
                    host = token;
                }
                if (host.isEmpty()) {
                    throw invalid(CONNECTION_STRING, "endpoint \"" + token + "\" has no host");
                }
                continue;
            }
            String option = token.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = token.substring(eq + 1).trim();
            switch (option) {
                case "password" -> password = value;
                case "user" -> user = value;
                case "ssl" -> ssl = bool(CONNECTION_STRING, value);
                case "defaultdatabase" -> database = integer(CONNECTION_STRING, "defaultDatabase", value);
                case "" -> throw invalid(CONNECTION_STRING, "option \"" + token + "\" has no name");
                default -> {} // StackExchange.Redis tuning (abortConnect, connectTimeout, name, ...): not ours
            }
        }
        if (host == null) {
            throw invalid(CONNECTION_STRING, "no host:port endpoint in \"" + redact(connection) + "\"");
        }
        if (queueDatabase != null) {
            database = integer(DATABASE, DATABASE, queueDatabase);
        }
        StringBuilder uri = new StringBuilder(ssl ? "rediss://" : "redis://");
        if (user != null || password != null) {
            uri.append(user == null ? "" : encode(user))
                    .append(':')
                    .append(password == null ? "" : encode(password))
                    .append('@');
        }
        return uri.append(host)
                .append(':')
                .append(port)
                .append('/')
                .append(database == null ? 0 : database)
                .toString();
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(CONNECTION_STRING, "\"" + text + "\" is not a port");
    }

    private static int integer(String variable, String what, String text) {
        try {
            int value = Integer.parseInt(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(variable, what + " must be a database number, got \"" + text + "\"");
    }

    private static boolean bool(String variable, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(variable, "\"" + text + "\" is neither true nor false");
        };
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The connection string without its password, for an error message. */
    private static String redact(String connection) {
        return connection.replaceAll("(?i)(password=)[^,]*", "$1***");
    }

    private static IllegalArgumentException invalid(String variable, String why) {
        return new IllegalArgumentException("environment variable " + variable + " is malformed: " + why);
    }
}
