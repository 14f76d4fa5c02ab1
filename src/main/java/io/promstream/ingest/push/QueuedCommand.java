package io.promstream.ingest.push;

import io.promstream.parse.Command;
import io.promstream.parse.CommandCodec;
import io.promstream.parse.PushBody;
import io.promstream.parse.PushMode;
import io.promstream.parse.Routing;
import io.promstream.parse.Sample;
import io.promstream.parse.SampleBatch;
import io.promstream.parse.SampleCodec;
import io.promstream.parse.SampleParser;
import io.promstream.parse.TextFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP push as it travels through the queue to the gateway holding its shard (docs/wire-format.md, Queued
 * HTTP pushes): a marker no JSON element starts with ({@code \0PSG}), a format byte, then, in format 2, the push's
 * id, the source its refusals name, and its {@link Command} as {@link CommandCodec} writes it, decoded by the
 * worker without parsing the pushed body again. Format 1 ({@link QueuedPush}: the body as pushed, with a header
 * saying how to read it) is still read, so gateways of both versions can share a queue during an upgrade.
 */
public record QueuedCommand(String id, String source, Command command) {
    private static final byte[] MAGIC = {0, 'P', 'S', 'G'};
    static final byte FORMAT = 2;

    /** Whether a queue element is a queued push rather than a sender's JSON. */
    public static boolean isQueued(byte[] element) {
        return element.length >= MAGIC.length + 1
                && element[0] == MAGIC[0]
                && element[1] == MAGIC[1]
                && element[2] == MAGIC[2]
                && element[3] == MAGIC[3];
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(FORMAT);
            SampleCodec.writeString(out, id);
            SampleCodec.writeString(out, source);
            out.write(CommandCodec.encode(command));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads a queued push of either format; {@link IOException} for one that is damaged or of an unknown format.
     * A format-1 push is parsed here, with {@code parser}, into the command its header names.
     */
    public static QueuedCommand decode(byte[] element, SampleParser parser) throws IOException {
        if (!isQueued(element)) {
            throw new IOException("not a queued push");
        }
        if (element[MAGIC.length] == QueuedPush.FORMAT) {
            return fromFormat1(QueuedPush.decode(element), parser);
        }
        if (element[MAGIC.length] != FORMAT) {
            throw new IOException("queued push format " + element[MAGIC.length] + " is not supported");
        }
        int header = MAGIC.length + 1;
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(element, header, element.length - header));
        String id = SampleCodec.readString(in);
        String source = SampleCodec.readString(in);
        if (id == null) {
            throw new IOException("queued push without an id");
        }
        int at = element.length - in.available();
        return new QueuedCommand(id, source, CommandCodec.decode(element, at, element.length - at));
    }

    /** A format-1 push: its body parsed again into the command its op names, keeping the samples of its shard. */
    private static QueuedCommand fromFormat1(QueuedPush push, SampleParser parser) throws IOException {
        Command command = switch (push.op()) {
            case "json" -> {
                SampleBatch batch = new SampleBatch();
                parser.parseBody(push.body(), batch);
                if (batch.elementRejection() != null) { // it was read when pushed: unreadable now is damage
                    throw new IOException("queued JSON push unreadable: " + batch.elementError());
                }
                List<Sample> samples = new ArrayList<>();
                List<Integer> indexes = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    if (!batch.get(i).isRejected() && mine(push, batch.get(i))) {
                        samples.add(batch.detach(i));
                        indexes.add(i);
                    }
                }
                yield new Command.SampleList(
                        samples, indexes.stream().mapToInt(Integer::intValue).toArray());
            }
            case "exposition" -> {
                PushMode mode;
                List<Sample> samples;
                try {
                    mode = PushMode.valueOf(push.mode());
                    samples = PushBody.parse(push.body(), push.contentType(), push.grouping(), mode);
                } catch (TextFormatException | IllegalArgumentException | NullPointerException e) {
                    throw new IOException("queued exposition unreadable: " + e.getMessage(), e);
                }
                if (mode == PushMode.REPLACE) {
                    yield new Command.GroupPush(push.grouping(), push.put(), samples);
                }
                samples.removeIf(s -> !mine(push, s));
                yield new Command.Exposition(samples);
            }
            case "failure" -> new Command.GroupFailure(push.grouping());
            case "delete" -> new Command.GroupDelete(push.grouping());
            case "remove" -> new Command.RemoveCarrying(push.grouping());
            case "wipe" -> new Command.Wipe();
            default -> throw new IOException("queued push of unknown kind " + push.op());
        };
        return new QueuedCommand(push.id(), push.source(), command);
    }

    private static boolean mine(QueuedPush push, Sample sample) {
        return push.shard() < 0 || Routing.shardOf(sample, push.shards()) == push.shard();
    }
}
