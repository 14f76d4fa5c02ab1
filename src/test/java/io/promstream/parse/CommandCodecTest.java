package io.promstream.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Commands through their queued encoding: every kind, with samples carrying every field, read back as written;
 * damaged bytes are an {@link IOException}, never anything else.
 */
class CommandCodecTest {
    private static final String[] NAMES = {"a", "jobs_total", "lat_seconds", "ünïcode_ok", ""};

    private static Sample sample(Random random) {
        Sample s = new Sample().type(MetricType.ofCheckpointCode(random.nextInt(4)));
        s.name(NAMES[random.nextInt(NAMES.length)] + random.nextInt(5));
        if (random.nextBoolean()) {
            s.value(random.nextGaussian() * 1e3);
        }
        if (random.nextBoolean()) {
            s.help("help \"" + random.nextInt() + "\"\n\u2028");
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            s.label("l" + i, random.nextBoolean() ? "v" + random.nextInt(9) : "x/y\"z\\\u00e9");
        }
        s.canonicalizeLabels();
        switch (random.nextInt(5)) {
            case 0 -> s.buckets(0.1, 0.5, 2.5);
            case 1 -> s.quantiles(new double[] {0.5, 0.99}, new double[] {0.05, 0.001});
            case 2 -> s.aggregateHistogram(new double[] {1, 2}, new long[] {3, 5}, 7, 9.5);
            case 3 -> s.aggregateSummary(new double[] {0.5}, new double[] {Double.NaN}, 4, 2.25);
            default -> s.aggregateSummary(new double[0], null, 1, 1);
        }
        s.op(GaugeOp.ofOrdinalCode(random.nextInt(3)));
        if (random.nextBoolean()) {
            s.timestamp(random.nextLong() >>> 20);
        }
        if (random.nextInt(3) == 0) {
            s.ttl(random.nextInt(3) * 60_000L);
        }
        return s;
    }

    private static List<Sample> samples(Random random) {
        List<Sample> out = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            out.add(sample(random));
        }
        return out;
    }

    private static Map<String, String> grouping(Random random) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("job", "j" + random.nextInt(3));
        if (random.nextBoolean()) {
            map.put("instance", "a%2Fb/c");
        }
        return map;
    }

    private static Command command(Random random) {
        return switch (random.nextInt(9)) {
            case 8 -> new Command.Once(random.nextLong(), random.nextInt(1_000_000), command(random));
            case 0 -> {
                List<Sample> samples = samples(random);
                int[] indexes = new int[samples.size()];
                Arrays.setAll(indexes, i -> 2 * i + 1);
                yield new Command.SampleList(samples, indexes);
            }
            case 1 -> new Command.Exposition(samples(random));
            case 2 -> new Command.GroupPush(grouping(random), random.nextBoolean(), samples(random));
            case 3 -> new Command.GroupFailure(grouping(random));
            case 4 -> new Command.GroupDelete(grouping(random));
            case 5 -> new Command.RemoveCarrying(grouping(random));
            case 6 -> {
                List<Sample> samples = samples(random);
                int[] indexes = new int[samples.size()];
                long[] keys = new long[samples.size()];
                long[] times = new long[samples.size()];
                for (int i = 0; i < samples.size(); i++) {
                    indexes[i] = 3 * i;
                    keys[i] = random.nextLong();
                    times[i] = random.nextLong();
                }
                yield new Command.KeyedSamples(samples, indexes, keys, times, random.nextInt(1_000_000));
            }
            default -> new Command.Wipe();
        };
    }

    /** Everything of a command the store reads, as text. */
    private static String describe(Command command) {
        return command.handle(new Command.Handler<>() {
            @Override
            public String samples(Command.Samples samples) {
                StringBuilder out = new StringBuilder("samples");
                for (int i = 0; i < samples.size(); i++) {
                    out.append(' ').append(samples.index(i)).append(':').append(describe(samples.get(i)));
                }
                return out.toString();
            }

            @Override
            public String once(Command.Once once) {
                return "once " + once.key() + " " + once.windowMillis() + " " + describe(once.command());
            }

            @Override
            public String keyedSamples(Command.KeyedSamples keyed) {
                StringBuilder out = new StringBuilder("keyed " + keyed.windowMillis());
                for (int i = 0; i < keyed.samples().size(); i++) {
                    out.append(' ')
                            .append(keyed.indexes()[i])
                            .append('/')
                            .append(keyed.keys()[i])
                            .append('/')
                            .append(keyed.pointMillis()[i])
                            .append(':')
                            .append(describe(keyed.samples().get(i)));
                }
                return out.toString();
            }

            @Override
            public String exposition(Command.Exposition exposition) {
                return "exposition " + describe(exposition.samples());
            }

            @Override
            public String groupPush(Command.GroupPush push) {
                return "group " + push.grouping() + " " + push.put() + " " + describe(push.samples());
            }

            @Override
            public String groupFailure(Command.GroupFailure failure) {
                return "failure " + failure.grouping();
            }

            @Override
            public String groupDelete(Command.GroupDelete delete) {
                return "delete " + delete.grouping();
            }

            @Override
            public String removeCarrying(Command.RemoveCarrying remove) {
                return "remove " + remove.labels();
            }

            @Override
            public String wipe(Command.Wipe wipe) {
                return "wipe";
            }
        });
    }

    private static String describe(List<Sample> samples) {
        StringBuilder out = new StringBuilder();
        samples.forEach(s -> out.append(describe(s)).append(';'));
        return out.toString();
    }

    private static String describe(Sample s) {
        StringBuilder labels = new StringBuilder();
        for (int i = 0; i < s.labelCount(); i++) {
            labels.append(s.labelName(i)).append('=').append(s.labelValue(i)).append(',');
        }
        Aggregate a = s.aggregate();
        return s.type() + "|" + s.name() + "|" + s.hasValue() + "|" + Double.doubleToLongBits(s.value()) + "|"
                + s.help() + "|" + labels + "|" + s.buckets() + "|" + s.quantiles() + "|" + s.epsilons() + "|"
                + s.op() + "|" + s.timestamp() + "|" + s.ttlMillis() + "|"
                + (a == null
                        ? "-"
                        : Arrays.toString(a.cumulative()) + Arrays.toString(a.quantileValues()) + a.count() + "/"
                                + a.sum());
    }

    @Test
    void everyKindOfCommandIsReadBackAsItWasWritten() throws IOException {
        Random random = new Random(2026_12_03L);
        for (int i = 0; i < 2_000; i++) {
            Command command = command(random);
            byte[] bytes = CommandCodec.encode(command);
            assertThat(describe(CommandCodec.decode(bytes, 0, bytes.length))).isEqualTo(describe(command));
        }
    }

    @Test
    void aPushedInfiniteGaugeIsReadBackButAJsonSampleOfOneIsRejected() throws IOException {
        Sample gauge = new Sample()
                .type(MetricType.GAUGE)
                .name("g")
                .value(Double.POSITIVE_INFINITY)
                .label("job", "j");
        byte[] pushed = CommandCodec.encode(new Command.Exposition(List.of(gauge)));
        Command.Exposition exposition = (Command.Exposition) CommandCodec.decode(pushed, 0, pushed.length);
        assertThat(exposition.samples().get(0).isRejected()).isFalse();
        assertThat(exposition.samples().get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);

        byte[] json = CommandCodec.encode(new Command.SampleList(List.of(gauge), new int[] {0}));
        Command.SampleList list = (Command.SampleList) CommandCodec.decode(json, 0, json.length);
        assertThat(list.samples().get(0).rejection()).isEqualTo(RejectReason.INVALID_VALUE);
    }

    @Test
    void damagedBytesAreAnIoExceptionAndNothingElse() {
        Random random = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = CommandCodec.encode(command(random));
            byte[] damaged =
                    random.nextBoolean() ? Arrays.copyOf(bytes, random.nextInt(bytes.length)) : flip(bytes, random);
            try {
                CommandCodec.decode(damaged, 0, damaged.length);
            } catch (IOException expected) {
                // refused: fine
            } catch (RuntimeException | OutOfMemoryError e) {
                throw new AssertionError("decoding damaged bytes threw " + e, e);
            }
        }
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {99}, 0, 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown command kind 99");
    }

    private static byte[] flip(byte[] bytes, Random random) {
        byte[] out = bytes.clone();
        if (out.length > 0) {
            out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }
}
