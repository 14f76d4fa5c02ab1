package io.promstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_33_0.Metrics;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.PushgatewayServer;
import io.promstream.testing.RedisServer;
import io.promstream.testing.TestGateways;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make bench}: HTTP pushes of 10-sample bodies, text and protobuf, by {@code wrk} with 16 connections for
 * 10 s each, against the gateway (aggregating; every push stored in Redis before its reply) and against Debian's
 * Pushgateway, both empty at the start, in the same run. Each server is first pushed to in rounds of
 * {@value #WARM_SECONDS} s until its rate is steady ({@link #warm}), and those rounds are printed too: on two busy
 * cores, the JIT's one C2 thread compiles the gateway's request path (Jetty, Jedis, the parser: some 800 methods)
 * for the first 40–50 s of pushes, while the rate climbs from about the Pushgateway's to several times it. The
 * protobuf rounds share most of that path, and the Pushgateway is steady after its first round.
 */
@Tag("bench")
class PushBenchmark {
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");

    private static final int WARM_SECONDS = 5;

    @TempDir
    Path dir;

    @Test
    void textAndProtobufPushesAgainstThePushgateway() throws Exception {
        Path text = dir.resolve("body.txt");
        StringBuilder body = new StringBuilder("# TYPE bench_push_total counter\n");
        for (int i = 0; i < 10; i++) {
            body.append("bench_push_total{k=\"").append(i).append("\"} 1\n");
        }
        Files.writeString(text, body);
        Path protobuf = dir.resolve("body.pb");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Metrics.MetricFamily.Builder family =
                Metrics.MetricFamily.newBuilder().setName("bench_push_total").setType(Metrics.MetricType.COUNTER);
        for (int i = 0; i < 10; i++) {
            family.addMetric(Metrics.Metric.newBuilder()
                    .addLabel(Metrics.LabelPair.newBuilder().setName("k").setValue(Integer.toString(i)))
                    .setCounter(Metrics.Counter.newBuilder().setValue(1)));
        }
        family.build().writeDelimitedTo(out);
        Files.write(protobuf, out.toByteArray());
        String delimited =
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

        try (RedisServer redis = new RedisServer().start();
                PushgatewayServer pushgateway = new PushgatewayServer().start()) {
            DropwizardTestSupport<GatewayConfiguration> app = TestGateways.support(
                    redis,
                    ConfigOverride.config("checkpoint.interval", "1s"),
                    ConfigOverride.config("redis.leaseTtl", "10s"),
                    ConfigOverride.config("logging.level", "ERROR"));
            app.before();
            try {
                String ours = "http://127.0.0.1:" + app.getLocalPort() + "/metrics/job/bench";
                String theirs = pushgateway.url() + "/metrics/job/bench";
                for (String[] kind : new String[][] {
                    {"text", text.toString(), "text/plain; version=0.0.4"}, {"protobuf", protobuf.toString(), delimited}
                }) {
                    Path file = Path.of(kind[1]);
                    warm("gateway " + kind[0], ours, file, kind[2], kind[0].equals("text") ? 10 : 4);
                    warm("Pushgateway " + kind[0], theirs, file, kind[2], 3);
                    double gateway = wrk(ours, file, kind[2], 10);
                    double reference = wrk(theirs, file, kind[2], 10);
                    System.out.printf(
                            "BENCH push %s: gateway %,.0f pushes/s, Pushgateway %,.0f pushes/s: %.2f times%n",
                            kind[0], gateway, reference, gateway / reference);
                }
            } finally {
                app.after();
            }
        }
    }

    /** Pushes in {@code count} rounds of {@value #WARM_SECONDS} s, printing each round's rate. */
    private void warm(String what, String url, Path body, String contentType, int count) throws Exception {
        StringBuilder rounds = new StringBuilder();
        for (int round = 0; round < count; round++) {
            double rate = wrk(url, body, contentType, WARM_SECONDS);
            rounds.append(rounds.isEmpty() ? "" : ", ").append(String.format("%,.0f", rate));
        }
        System.out.printf("BENCH push warm-up, %s: %s pushes/s in rounds of %d s%n", what, rounds, WARM_SECONDS);
    }

    /** Requests per second of 16 connections POSTing {@code body} for {@code seconds}; every answer 2xx. */
    private double wrk(String url, Path body, String contentType, int seconds) throws Exception {
        Path script = dir.resolve("post.lua");
        Files.writeString(
                script,
                "local f = io.open(\"" + body + "\", \"rb\")\nwrk.method = \"POST\"\n"
                        + "wrk.body = f:read(\"*all\")\nf:close()\nwrk.headers[\"Content-Type\"] = \"" + contentType
                        + "\"\n");
        Process process = new ProcessBuilder(
                        List.of("wrk", "-t", "2", "-c", "16", "-d", seconds + "s", "-s", script.toString(), url))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(seconds + 60L, TimeUnit.SECONDS)).isTrue();
        Matcher failed = NON_2XX.matcher(output);
        assertThat(failed.find()).as("every push answered 2xx: %s", output).isFalse();
        Matcher rate = RATE.matcher(output);
        assertThat(rate.find()).as(output).isTrue();
        return Double.parseDouble(rate.group(1));
    }
}
