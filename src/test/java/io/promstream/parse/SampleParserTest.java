package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SampleParserTest {
    private final SampleParser parser = new SampleParser(1024);
    private final SampleBatch batch = new SampleBatch();

    private SampleBatch parse(String json) {
        parser.parse(json.getBytes(StandardCharsets.UTF_8), batch);
        return batch;
    }

    @Test
    void parsesAFullSample() {
        parse("""
                {"type":"Histogram","name":"req_seconds","value":0.25,"help":"Latency",
                 "labels":{"route":"/a","code":200,"ok":true,"empty":""},"buckets":[0.1,0.5,1],"extra":{"x":[1]}}""");
        assertThat(batch.elementRejection()).isNull();
        assertThat(batch.size()).isEqualTo(1);
        Sample s = batch.get(0);
        assertThat(s.isRejected()).as("%s", s.error()).isFalse();
        assertThat(s.type()).isEqualTo(MetricType.HISTOGRAM);
        assertThat(s.name()).isEqualTo("req_seconds");
        assertThat(s.value()).isEqualTo(0.25);
        assertThat(s.help()).isEqualTo("Latency");
        assertThat(s.labelCount()).as("empty value dropped, rest sorted").isEqualTo(3);
        assertThat(new String[] {s.labelName(0), s.labelName(1), s.labelName(2)})
                .containsExactly("code", "ok", "route");
        assertThat(new String[] {s.labelValue(0), s.labelValue(1), s.labelValue(2)})
                .containsExactly("200", "true", "/a");
        assertThat(s.buckets().size()).isEqualTo(3);
    }

    @Test
    void parsesGaugeOpsAndTimestamps() {
        parse("{\"type\":\"gauge\",\"name\":\"g\",\"value\":2,\"op\":\"DEC\",\"timestamp\":1700000000123.7}");
        Sample s = batch.get(0);
        assertThat(s.isRejected()).isFalse();
        assertThat(s.op()).isEqualTo(GaugeOp.DEC);
        assertThat(s.timestamp()).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void judgesEachSampleOfABatchAlone() {
        String json = "[{\"type\":\"counter\",\"name\":\"a\",\"value\":1},"
                + "{\"type\":\"counter\",\"name\":\"b\",\"value\":-1},"
                + " 42 ,"
                + "{\"type\":\"gauge\",\"name\":\"c\",\"value\":3}]";
        parse(json);
        assertThat(batch.elementRejection()).isNull();
        assertThat(batch.size()).isEqualTo(4);
        assertThat(batch.get(0).isRejected()).isFalse();
        assertThat(batch.get(1).rejection()).isEqualTo(RejectReason.INVALID_VALUE);
        assertThat(batch.get(2).rejection()).isEqualTo(RejectReason.INVALID_MESSAGE);
        assertThat(batch.get(3).isRejected()).isFalse();
        assertThat(json.substring(batch.start(1), batch.end(1)))
                .isEqualTo("{\"type\":\"counter\",\"name\":\"b\",\"value\":-1}");
    }

    @Test
    void brokenJsonInABatchRejectsTheWholeElement() {
        parse("[{\"type\":\"counter\",\"name\":\"a\",\"value\":1}, {\"type\":");
        assertThat(batch.elementRejection()).isEqualTo(RejectReason.INVALID_JSON);
        assertThat(batch.size()).isZero();
    }

    @Test
    void reusesItsBuffersAcrossElements() {
        parse("{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"labels\":{\"x\":\"1\",\"y\":\"2\"},\"help\":\"h\"}");
        parse("{\"type\":\"counter\",\"name\":\"b\",\"value\":2}");
        Sample s = batch.get(0);
        assertThat(s.name()).isEqualTo("b");
        assertThat(s.labelCount()).isZero();
        assertThat(s.help()).isNull();
    }

    static Stream<Arguments> rejections() {
        String deep = "[".repeat(400) + "]".repeat(400); // deeper than the parser allows, under the size limit
        return Stream.of(
                Arguments.of("not json", RejectReason.INVALID_JSON),
                Arguments.of("", RejectReason.INVALID_JSON),
                Arguments.of("{\"type\":\"counter\",\"name\":\"a\",\"value\":NaN}", RejectReason.INVALID_JSON),
                Arguments.of("{\"type\":\"counter\",\"name\":\"a\",\"value\":Infinity}", RejectReason.INVALID_JSON),
                Arguments.of("{\"type\":\"counter\",\"name\":\"a\",\"value\":1} trailing", RejectReason.INVALID_JSON),
                Arguments.of(deep, RejectReason.INVALID_JSON),
                Arguments.of(
                        "{\"type\":\"counter\",\"name\":\"a\",\"value\":1" + "1".repeat(500) + "}",
                        RejectReason.INVALID_JSON),
                Arguments.of("\"just a string\"", RejectReason.INVALID_MESSAGE),
                Arguments.of("{\"name\":\"a\",\"value\":1}", RejectReason.INVALID_MESSAGE),
                Arguments.of("{\"type\":\"counter\",\"value\":1}", RejectReason.INVALID_MESSAGE),
                Arguments.of("{\"type\":\"counter\",\"name\":\"a\"}", RejectReason.INVALID_MESSAGE),
                Arguments.of("{\"type\":\"counter\",\"name\":\"a\",\"value\":\"1\"}", RejectReason.INVALID_MESSAGE),
                Arguments.of("{\"type\":7,\"name\":\"a\",\"value\":1}", RejectReason.INVALID_MESSAGE),
                Arguments.of("{\"type\":\"counter\",\"name\":[\"a\"],\"value\":1}", RejectReason.INVALID_MESSAGE),
                Arguments.of(
                        "{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"labels\":[1]}",
                        RejectReason.INVALID_MESSAGE),
                Arguments.of(
                        "{\"type\":\"gauge\",\"name\":\"a\",\"value\":1,\"op\":\"mul\"}", RejectReason.INVALID_MESSAGE),
                Arguments.of(
                        "{\"type\":\"gauge\",\"name\":\"a\",\"value\":1,\"timestamp\":-5}",
                        RejectReason.INVALID_MESSAGE),
                Arguments.of(
                        "{\"type\":\"gauge\",\"name\":\"a\",\"value\":1,\"help\":3}", RejectReason.INVALID_MESSAGE),
                Arguments.of("{\"type\":\"untyped\",\"name\":\"a\",\"value\":1}", RejectReason.UNKNOWN_TYPE),
                Arguments.of("{\"type\":\"counter\",\"name\":\"1abc\",\"value\":1}", RejectReason.INVALID_NAME),
                Arguments.of("{\"type\":\"counter\",\"name\":\"a-b\",\"value\":1}", RejectReason.INVALID_NAME),
                Arguments.of("{\"type\":\"counter\",\"name\":\"\",\"value\":1}", RejectReason.INVALID_NAME),
                Arguments.of(
                        "{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"labels\":{\"__x\":\"1\"}}",
                        RejectReason.INVALID_LABEL),
                Arguments.of(
                        "{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"labels\":{\"a-b\":\"1\"}}",
                        RejectReason.INVALID_LABEL),
                Arguments.of(
                        "{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"labels\":{\"x\":null}}",
                        RejectReason.INVALID_LABEL),
                Arguments.of(
                        "{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"labels\":{\"x\":{\"y\":1}}}",
                        RejectReason.INVALID_LABEL),
                Arguments.of(
                        "{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"labels\":{\"x\":\"1\",\"x\":\"2\"}}",
                        RejectReason.INVALID_LABEL),
                Arguments.of(
                        "{\"type\":\"histogram\",\"name\":\"a\",\"value\":1,\"labels\":{\"le\":\"1\"}}",
                        RejectReason.INVALID_LABEL),
                Arguments.of(
                        "{\"type\":\"summary\",\"name\":\"a\",\"value\":1,\"labels\":{\"quantile\":\"1\"}}",
                        RejectReason.INVALID_LABEL),
                Arguments.of("{\"type\":\"counter\",\"name\":\"a\",\"value\":-1}", RejectReason.INVALID_VALUE),
                Arguments.of("{\"type\":\"gauge\",\"name\":\"a\",\"value\":1e400}", RejectReason.INVALID_VALUE),
                Arguments.of(
                        "{\"type\":\"histogram\",\"name\":\"a\",\"value\":1,\"buckets\":[]}",
                        RejectReason.INVALID_BUCKETS),
                Arguments.of(
                        "{\"type\":\"histogram\",\"name\":\"a\",\"value\":1,\"buckets\":[1,1]}",
                        RejectReason.INVALID_BUCKETS),
                Arguments.of(
                        "{\"type\":\"histogram\",\"name\":\"a\",\"value\":1,\"buckets\":[2,1]}",
                        RejectReason.INVALID_BUCKETS),
                Arguments.of(
                        "{\"type\":\"histogram\",\"name\":\"a\",\"value\":1,\"buckets\":[1,1e999]}",
                        RejectReason.INVALID_BUCKETS),
                Arguments.of(
                        "{\"type\":\"histogram\",\"name\":\"a\",\"value\":1,\"buckets\":[\"1\"]}",
                        RejectReason.INVALID_BUCKETS),
                Arguments.of(
                        "{\"type\":\"histogram\",\"name\":\"a\",\"value\":1,\"buckets\":5}",
                        RejectReason.INVALID_BUCKETS),
                Arguments.of(
                        "{\"type\":\"summary\",\"name\":\"a\",\"value\":1,\"quantiles\":[1.0]}",
                        RejectReason.INVALID_QUANTILES),
                Arguments.of(
                        "{\"type\":\"summary\",\"name\":\"a\",\"value\":1,\"quantiles\":[0]}",
                        RejectReason.INVALID_QUANTILES),
                Arguments.of(
                        "{\"type\":\"summary\",\"name\":\"a\",\"value\":1,\"quantiles\":[0.5,0.9],\"epsilons\":[0.01]}",
                        RejectReason.INVALID_QUANTILES),
                Arguments.of(
                        "{\"type\":\"summary\",\"name\":\"a\",\"value\":1,\"quantiles\":[0.5],\"epsilons\":[0]}",
                        RejectReason.INVALID_QUANTILES),
                Arguments.of(
                        "{\"type\":\"summary\",\"name\":\"a\",\"value\":1,\"quantiles\":[0.5,0.5]}",
                        RejectReason.INVALID_QUANTILES),
                Arguments.of(
                        "{\"type\":\"summary\",\"name\":\"a\",\"value\":1,\"epsilons\":[0.01]}",
                        RejectReason.INVALID_QUANTILES),
                Arguments.of(
                        "{\"type\":\"summary\",\"name\":\"a\",\"value\":1,\"quantiles\":[]}",
                        RejectReason.INVALID_QUANTILES),
                Arguments.of(
                        "{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"help\":\"" + "x".repeat(1100) + "\"}",
                        RejectReason.TOO_LARGE));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("rejections")
    void rejectsWithTheRightReason(String json, RejectReason expected) {
        parse(json);
        RejectReason actual = batch.elementRejection() != null
                ? batch.elementRejection()
                : batch.get(0).rejection();
        assertThat(actual)
                .as("rejection of %s", json.length() > 200 ? json.substring(0, 200) : json)
                .isEqualTo(expected);
        if (batch.elementRejection() == null) {
            assertThat(batch.get(0).error()).isNotBlank();
        } else {
            assertThat(batch.elementError()).isNotBlank();
        }
    }

    @Test
    void invalidUtf8IsRejectedNotThrown() {
        byte[] bad = {'{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        parser.parse(bad, batch);
        assertThat(batch.elementRejection()).isEqualTo(RejectReason.INVALID_JSON);
    }

    @Test
    void acceptsTheOriginalProjectsMessages() {
        // the README example of the .NET prom-stream-gateway, with its capitalised enum names
        parse("""
                {"type":"Counter","name":"demo_metric","help":"","value":10,
                 "labels":{"source":"demo","category":"example"},"buckets":null,"quantiles":null,"epsilons":null}""");
        assertThat(batch.get(0).isRejected()).as("%s", batch.get(0).error()).isFalse();
        assertThat(batch.get(0).value()).isEqualTo(10);
    }

    @Test
    void readsTheJsonMetricsServersBatch() {
        // the documented example of the Rust metrics server (seed 004), unchanged
        String body = """
                {"metrics": [{"name": "request_count", "metric_type": "counter", "help": "Total number of requests",
                  "labels": {"service": "api_gateway", "endpoint": "/users"},
                  "value": {"value": 42.0, "timestamp": null}}],
                 "source": "my_application"}""";
        String source = parser.parseBody(body.getBytes(StandardCharsets.UTF_8), batch);
        assertThat(source).isEqualTo("my_application");
        assertThat(batch.size()).isEqualTo(1);
        Sample s = batch.get(0);
        assertThat(s.isRejected()).as("%s", s.error()).isFalse();
        assertThat(s.type()).isEqualTo(MetricType.COUNTER);
        assertThat(s.value()).isEqualTo(42.0);
        assertThat(s.hasTimestamp()).isFalse();
        assertThat(s.labels().toString()).isEqualTo("{endpoint=\"/users\",service=\"api_gateway\"}");

        parse("{\"metric_type\":\"gauge\",\"name\":\"g\",\"value\":{\"value\":3,\"timestamp\":1700000000000}}");
        assertThat(batch.get(0).value()).isEqualTo(3);
        assertThat(batch.get(0).timestamp()).isEqualTo(1_700_000_000_000L);
        parse("{\"type\":\"gauge\",\"name\":\"g\",\"value\":{\"timestamp\":null}}");
        assertThat(batch.get(0).rejection()).isEqualTo(RejectReason.INVALID_MESSAGE);
        parse("{\"type\":\"gauge\",\"name\":\"g\",\"value\":{\"value\":\"3\"}}");
        assertThat(batch.get(0).rejection()).isEqualTo(RejectReason.INVALID_MESSAGE);
    }

    @Test
    void aQueueElementMayBeTheJsonMetricsServersBatchJudgedSampleBySample() {
        // the same wrapper as on POST /api/metrics, LPUSHed as it is: its samples are applied each alone
        String element = """
                {"metrics": [{"name": "request_count", "metric_type": "counter", "value": {"value": 42.0}},
                  {"name": "bad name", "metric_type": "counter", "value": 1},
                  {"name": "temp", "metric_type": "gauge", "value": -3}],
                 "source": "my_application"}""";
        parse(element);
        assertThat(batch.elementRejection()).isNull();
        assertThat(batch.size()).isEqualTo(3);
        assertThat(batch.get(0).isRejected()).as("%s", batch.get(0).error()).isFalse();
        assertThat(batch.get(0).value()).isEqualTo(42.0);
        assertThat(batch.get(1).rejection()).isEqualTo(RejectReason.INVALID_NAME);
        assertThat(batch.get(2).type()).isEqualTo(MetricType.GAUGE);
        assertThat(batch.get(2).value()).isEqualTo(-3);
        assertThat(element.substring(batch.start(2), batch.end(2))).startsWith("{\"name\": \"temp\"");
        // a field name written with an escape is the same name
        parse("{\"metr\\u0069cs\": [{\"type\":\"gauge\",\"name\":\"g\",\"value\":1}]}");
        assertThat(batch.size()).isEqualTo(1);
        assertThat(batch.get(0).isRejected()).isFalse();
        // an empty wrapper applies nothing; a "metrics" that is no array leaves an object a sample, as on HTTP
        parse("{\"metrics\": [], \"source\": \"s\"}");
        assertThat(batch.elementRejection()).isNull();
        assertThat(batch.size()).isZero();
        parse("{\"type\":\"gauge\",\"name\":\"g\",\"value\":1,\"metrics\":\"x\"}");
        assertThat(batch.size()).isEqualTo(1);
        assertThat(batch.get(0).isRejected()).isFalse();
        parse("{\"metrics\": [{\"type\":\"gauge\",\"name\":\"g\",\"value\":1}]} x");
        assertThat(batch.elementRejection()).isEqualTo(RejectReason.INVALID_JSON);
    }

    @Test
    void aWrapperHasNoValueSpanSoKnownElementsNeverLearnIt() {
        // its top-level "value" is not its sample's: a known-element match would apply the wrong number
        byte[] wrapper = "{\"value\":5,\"metrics\":[{\"type\":\"gauge\",\"name\":\"g\",\"value\":1}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(parser.valueSpan(wrapper)).isEqualTo(-1);
        parser.parse(wrapper, batch);
        assertThat(batch.size()).isEqualTo(1);
        assertThat(batch.get(0).value()).isEqualTo(1);
        byte[] sample = "{\"value\":5,\"type\":\"gauge\",\"name\":\"g\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.valueSpan(sample)).isEqualTo(9L << 32 | 10);
    }

    @Test
    void aTtlIsSecondsOrADurationOnASampleOrOnItsEnvelope() {
        parse("[{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"ttl\":90},"
                + "{\"type\":\"counter\",\"name\":\"b\",\"value\":1,\"ttl\":\"5m\"},"
                + "{\"type\":\"counter\",\"name\":\"c\",\"value\":1,\"ttl\":0},"
                + "{\"type\":\"counter\",\"name\":\"d\",\"value\":1}]");
        assertThat(batch.get(0).ttlMillis()).isEqualTo(90_000);
        assertThat(batch.get(1).ttlMillis()).isEqualTo(300_000);
        assertThat(batch.get(2).ttlMillis()).isZero();
        assertThat(batch.get(3).ttlMillis()).isEqualTo(Sample.NO_TTL);

        parse("{\"ttl\":\"2h\",\"metrics\":[{\"type\":\"counter\",\"name\":\"a\",\"value\":1},"
                + "{\"type\":\"counter\",\"name\":\"b\",\"value\":1,\"ttl\":\"1500ms\"}]}");
        assertThat(batch.elementRejection()).isNull();
        assertThat(batch.get(0).ttlMillis()).isEqualTo(7_200_000);
        assertThat(batch.get(1).ttlMillis()).as("the sample's own wins").isEqualTo(1_500);
    }

    @Test
    void aBadTtlRefusesItsSampleOrItsWholeEnvelopeSayingWhy() {
        parse("[{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"ttl\":-1},"
                + "{\"type\":\"counter\",\"name\":\"b\",\"value\":1,\"ttl\":\"soon\"},"
                + "{\"type\":\"counter\",\"name\":\"c\",\"value\":1,\"ttl\":[1]},"
                + "{\"type\":\"counter\",\"name\":\"d\",\"value\":1,\"ttl\":\"400d\"}]");
        for (int i = 0; i < 4; i++) {
            assertThat(batch.get(i).rejection()).isEqualTo(RejectReason.INVALID_MESSAGE);
            assertThat(batch.get(i).error()).contains("ttl");
        }
        parse("{\"ttl\":\"x\",\"metrics\":[{\"type\":\"counter\",\"name\":\"a\",\"value\":1}]}");
        assertThat(batch.elementRejection()).isEqualTo(RejectReason.INVALID_MESSAGE);
        assertThat(batch.elementError()).contains("ttl");
    }
}
