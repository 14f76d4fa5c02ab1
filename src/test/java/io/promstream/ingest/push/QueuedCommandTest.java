package io.promstream.ingest.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promstream.parse.Command;
import io.promstream.parse.PushMode;
import io.promstream.parse.Routing;
import io.promstream.parse.SampleParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Queued pushes in both formats: what this gateway writes (format 2, a command) reads back as written, and what a
 * gateway of the version before wrote (format 1, the pushed body with a header) reads as the command it meant, so
 * the two can share a queue during an upgrade.
 */
class QueuedCommandTest {
    private static final SampleParser PARSER = new SampleParser(65_536);

    private static byte[] format1(
            String op, String body, String mode, boolean put, Map<String, String> grouping, int shard, int shards) {
        return new QueuedPush(
                        op,
                        "id-7",
                        "http test",
                        "text/plain",
                        mode,
                        put,
                        grouping,
                        shard,
                        shards,
                        body.getBytes(StandardCharsets.UTF_8))
                .encode();
    }

    @Test
    void aCommandReadsBackWithItsIdAndSource() throws IOException {
        byte[] element = new QueuedCommand(
                        "gw:1:9", "http push (lambda-7)", new Command.GroupDelete(Map.of("job", "j")))
                .encode();
        assertThat(QueuedCommand.isQueued(element)).isTrue();
        QueuedCommand back = QueuedCommand.decode(element, PARSER);
        assertThat(back.id()).isEqualTo("gw:1:9");
        assertThat(back.source()).isEqualTo("http push (lambda-7)");
        assertThat(back.command()).isEqualTo(new Command.GroupDelete(Map.of("job", "j")));
    }

    @Test
    void anOlderGatewaysJsonPushKeepsTheSamplesOfItsShardWithTheirPlaces() throws IOException {
        String body = "[{\"type\":\"counter\",\"name\":\"a\",\"value\":1,\"labels\":{\"k\":\"1\"}},"
                + "{\"type\":\"counter\",\"name\":\"a\",\"value\":-1},"
                + "{\"type\":\"counter\",\"name\":\"a\",\"value\":2,\"labels\":{\"k\":\"2\"}}]";
        int shardOfFirst = Routing.shardOf("a", new String[] {"k"}, new String[] {"1"}, 1, 4);
        QueuedCommand back =
                QueuedCommand.decode(format1("json", body, null, false, Map.of(), shardOfFirst, 4), PARSER);
        Command.Samples samples = (Command.Samples) back.command();
        assertThat(back.id()).isEqualTo("id-7");
        assertThat(samples.size()).isPositive();
        for (int i = 0; i < samples.size(); i++) {
            assertThat(Routing.shardOf(samples.get(i), 4)).isEqualTo(shardOfFirst);
            assertThat(samples.index(i)).isIn(0, 2); // the refused one (index 1) was refused at the door
        }
    }

    @Test
    void anOlderGatewaysExpositionsAndGroupOperationsReadAsTheirCommands() throws IOException {
        Map<String, String> job = Map.of("job", "j");
        Command replace = QueuedCommand.decode(
                        format1("exposition", "m 1\n", PushMode.REPLACE.name(), true, job, -1, 1), PARSER)
                .command();
        assertThat(replace).isInstanceOf(Command.GroupPush.class);
        assertThat(((Command.GroupPush) replace).put()).isTrue();
        assertThat(((Command.GroupPush) replace).samples()).hasSize(1);
        Command aggregate = QueuedCommand.decode(
                        format1("exposition", "m 1\n", PushMode.AGGREGATE.name(), false, job, -1, 1), PARSER)
                .command();
        assertThat(aggregate).isInstanceOf(Command.Exposition.class);
        assertThat(QueuedCommand.decode(format1("failure", "", "REPLACE", true, job, -1, 1), PARSER)
                        .command())
                .isEqualTo(new Command.GroupFailure(job));
        assertThat(QueuedCommand.decode(format1("delete", "", null, false, job, -1, 1), PARSER)
                        .command())
                .isEqualTo(new Command.GroupDelete(job));
        assertThat(QueuedCommand.decode(format1("remove", "", null, false, job, -1, 1), PARSER)
                        .command())
                .isEqualTo(new Command.RemoveCarrying(job));
        assertThat(QueuedCommand.decode(format1("wipe", "", null, false, Map.of(), -1, 1), PARSER)
                        .command())
                .isEqualTo(new Command.Wipe());
    }

    @Test
    void damagedOrUnknownOnesAreRefused() {
        byte[] element = new QueuedCommand("id", "s", new Command.Exposition(List.of())).encode();
        assertThatThrownBy(() -> QueuedCommand.decode(Arrays.copyOf(element, 7), PARSER))
                .isInstanceOf(IOException.class);
        byte[] unknown = element.clone();
        unknown[4] = 9;
        assertThatThrownBy(() -> QueuedCommand.decode(unknown, PARSER))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format 9");
        assertThatThrownBy(() -> QueuedCommand.decode(format1("shred", "", null, false, Map.of(), -1, 1), PARSER))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("unknown kind shred");
    }
}
