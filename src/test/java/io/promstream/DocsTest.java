package io.promstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.dropwizard.jackson.Jackson;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The documentation names only what exists: every class (and {@code Class.member}) and every configuration key
 * written in backticks in README.md and docs/ is found in the code, and every configuration key of the
 * configuration classes is in docs/configuration.md.
 */
class DocsTest {
    /** Our configuration sections; the others ({@code server}, {@code logging}, {@code metrics}) are Dropwizard's. */
    private static final Set<String> SECTIONS = Set.of(
            "redis",
            "aggregation",
            "http",
            "checkpoint",
            "metaMetrics",
            "admin",
            "persistence",
            "otlp",
            "nativeHistograms",
            "idempotency",
            "tls");
    /** Names of other projects the documentation mentions, which are not classes of this one. */
    private static final Set<String> ELSEWHERE = Set.of(
            "TextFormat",
            "ExportMetricsServiceRequest",
            "ExportMetricsServiceResponse",
            "ExponentialHistogram",
            "Status",
            "JsonFormat",
            "MetricFamily",
            "MetricFamilySamples",
            "JedisCluster",
            "RedisClusterClient",
            "UnifiedJedis",
            "ObjectMapper",
            "DropwizardExports",
            "CollectorRegistry",
            "MetricsServlet",
            "HotSpot",
            "OpenMetrics",
            "StackExchange",
            "ConnectionMultiplexer",
            "GzipHandler",
            "JsonParser",
            "JsonGenerator",
            "GoFloat",
            "PushGateway",
            "LoggingExceptionMapper",
            "ReentrantLock",
            "ConcurrentHashMap",
            "DoubleAdder",
            "AtomicLong",
            "InstantSource",
            "FloatHistogram",
            "CRC32",
            "JedisConnectionException",
            "BadMessageException",
            "ArchUnit",
            "JUnit",
            "AssertJ",
            "Jazzer",
            "TestContainers",
            "GitHub",
            "JavaScript",
            "TypeScript",
            "NodeJS",
            "PhpRedis",
            "MySQL",
            "PostgreSQL",
            "OpenTelemetry",
            "UriCompliance",
            "HttpConnectorFactory",
            "ExecutionSample",
            "StringLatin1",
            "BufferRecycler",
            "BufferedWriter",
            "PodMonitor",
            "NaN");
    /** Where names of the project that are not Java classes live: alert rules, example senders, dashboards. */
    private static final List<String> OTHER_SOURCES = List.of("prometheus", "examples", "grafana", "deploy", "scripts");

    private static final Pattern BACKTICKED = Pattern.compile("`([^`\\n]+)`");
    /** {@code MetricStore}, {@code queue.Reader}, {@code Shard.take}, {@code MetricStore.apply()}. */
    private static final Pattern CLASS = Pattern.compile(
            "((?:[a-z]+\\.)*)([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|(?<=\\.)[A-Z][a-z0-9]+)(?:[.#]([a-z][A-Za-z0-9]*)(?:\\(\\))?)?");

    private static final Pattern KEY = Pattern.compile(
            "(redis|aggregation|http|checkpoint|metaMetrics|admin|persistence|tls)" + "\\.[a-zA-Z]+(?:\\.[a-zA-Z*]+)*");

    private static List<Path> documents() throws IOException {
        List<Path> out = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** Every source file of the project by its simple class name. */
    private static Map<String, Path> sources() throws IOException {
        Map<String, Path> out = new TreeMap<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                files.filter(p -> p.toString().endsWith(".java"))
                        .forEach(p -> out.put(p.getFileName().toString().replace(".java", ""), p));
            }
        }
        return out;
    }

    /** The configuration keys the configuration classes read, e.g. {@code redis.leaseTtl}. */
    static Set<String> configurationKeys() {
        ObjectMapper mapper = Jackson.newObjectMapper();
        Set<String> keys = new TreeSet<>();
        collect(mapper, mapper.constructType(GatewayConfiguration.class), "", keys);
        keys.removeIf(k -> !SECTIONS.contains(k.substring(0, k.indexOf('.') < 0 ? k.length() : k.indexOf('.'))));
        return keys;
    }

    private static void collect(ObjectMapper mapper, JavaType type, String prefix, Set<String> out) {
        BeanDescription bean = mapper.getDeserializationConfig().introspect(type);
        for (BeanPropertyDefinition property : bean.findProperties()) {
            if (!property.couldDeserialize()) {
                continue;
            }
            JavaType child = property.getPrimaryType();
            String key = prefix + property.getName();
            if (child.getRawClass().getPackageName().startsWith("io.promstream") && !child.isEnumType()) {
                collect(mapper, child, key + ".", out);
            } else {
                out.add(key);
            }
        }
    }

    @Test
    void everyClassTheDocumentationNamesExists() throws IOException {
        Map<String, Path> sources = sources();
        StringBuilder otherSources = new StringBuilder();
        for (String root : OTHER_SOURCES) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path file : files.filter(Files::isRegularFile)
                        .filter(p -> !p.toString().contains("node_modules"))
                        .toList()) {
                    try {
                        otherSources.append(Files.readString(file));
                    } catch (MalformedInputException binary) {
                        // an image, say
                    }
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher ticks = BACKTICKED.matcher(Files.readString(doc));
            while (ticks.find()) {
                Matcher name = CLASS.matcher(ticks.group(1).trim());
                if (!name.matches() || ELSEWHERE.contains(name.group(2))) {
                    continue;
                }
                Path source = sources.get(name.group(2));
                if (source == null && otherSources.indexOf(name.group(2)) >= 0) {
                    continue;
                }
                if (source == null) {
                    missing.add(doc + ": `" + ticks.group(1) + "` (no class " + name.group(2) + ")");
                } else if (name.group(3) != null && !Files.readString(source).contains(name.group(3))) {
                    missing.add(
                            doc + ": `" + ticks.group(1) + "` (" + name.group(2) + " has no " + name.group(3) + ")");
                }
            }
        }
        assertThat(missing)
                .as("names in the documentation that the code does not have")
                .isEmpty();
    }

    @Test
    void everyConfigurationKeyTheDocumentationNamesIsReadAndEveryKeyIsDocumented() throws IOException {
        Set<String> keys = configurationKeys();
        assertThat(keys)
                .as("the keys read from the configuration classes")
                .contains("redis.leaseTtl", "http.protectScrape", "aggregation.maxSeries", "checkpoint.interval");
        List<String> unknown = new ArrayList<>();
        for (Path doc : documents()) {
            Matcher ticks = BACKTICKED.matcher(Files.readString(doc));
            while (ticks.find()) {
                Matcher key = KEY.matcher(ticks.group(1));
                while (key.find()) {
                    String named = key.group();
                    boolean known = keys.stream()
                            .anyMatch(k -> k.equals(named)
                                    || named.startsWith(k + ".")
                                    || named.endsWith(".*") && k.startsWith(named.substring(0, named.length() - 1)));
                    if (!known) {
                        unknown.add(doc + ": `" + named + "`");
                    }
                }
            }
        }
        assertThat(unknown)
                .as("configuration keys in the documentation that no configuration class reads")
                .isEmpty();
        String configuration = Files.readString(Path.of("docs", "configuration.md"));
        List<String> undocumented = keys.stream()
                .filter(k -> !configuration.contains("`" + k + "`")
                        && !configuration.contains("`" + k + "`,")
                        && !configuration.contains(k + "`"))
                .toList();
        assertThat(undocumented)
                .as("configuration keys missing from docs/configuration.md")
                .isEmpty();
    }
}
