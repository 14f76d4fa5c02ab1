package io.promstream.parse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes of a {@link Command} as it travels through the queue (docs/wire-format.md, Queued HTTP pushes): its
 * kind, then what it carries, samples with every field the store reads, so the worker that applies it parses
 * nothing again; each sample read is checked again as the door checked it ({@link SampleValidator}), since
 * anyone who can push onto the queue can write these bytes. Strings are UTF-8 with a length (-1 for absent);
 * lists of numbers likewise.
 */
public final class CommandCodec {
    private static final int SAMPLES = 1;
    private static final int EXPOSITION = 2;
    private static final int GROUP_PUSH = 3;
    private static final int GROUP_FAILURE = 4;
    private static final int GROUP_DELETE = 5;
    private static final int REMOVE_CARRYING = 6;
    private static final int WIPE = 7;
    private static final int KEYED_SAMPLES = 8;
    private static final int ONCE = 9;

    private CommandCodec() {}

    public static byte[] encode(Command command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            command.handle(new Writer(out));
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return bytes.toByteArray();
    }

    /** Reads a command; {@link IOException} for bytes that are damaged or of an unknown kind. */
    public static Command decode(byte[] bytes, int offset, int length) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, offset, length));
        int kind = in.readUnsignedByte();
        Command command = switch (kind) {
            case SAMPLES -> {
                int count = count(in);
                List<Sample> samples = new ArrayList<>(count);
                int[] indexes = new int[count];
                for (int i = 0; i < count; i++) {
                    indexes[i] = in.readInt();
                    samples.add(SampleCodec.readSample(in, false));
                }
                yield new Command.SampleList(samples, indexes);
            }
            case KEYED_SAMPLES -> {
                long window = in.readLong();
                int count = count(in);
                List<Sample> samples = new ArrayList<>(count);
                int[] indexes = new int[count];
                long[] keys = new long[count];
                long[] times = new long[count];
                for (int i = 0; i < count; i++) {
                    indexes[i] = in.readInt();
                    keys[i] = in.readLong();
                    times[i] = in.readLong();
                    samples.add(SampleCodec.readSample(in, false));
                }
                yield new Command.KeyedSamples(samples, indexes, keys, times, window);
            }
            case EXPOSITION -> new Command.Exposition(readSamples(in));
            case GROUP_PUSH -> new Command.GroupPush(readMap(in), in.readBoolean(), readSamples(in));
            case GROUP_FAILURE -> new Command.GroupFailure(readMap(in));
            case GROUP_DELETE -> new Command.GroupDelete(readMap(in));
            case REMOVE_CARRYING -> new Command.RemoveCarrying(readMap(in));
            case WIPE -> new Command.Wipe();
            case ONCE -> {
                long key = in.readLong();
                long window = in.readLong();
                int at = offset + length - in.available();
                Command inner = decode(bytes, at, in.available());
                in.skipNBytes(in.available());
                yield new Command.Once(key, window, inner);
            }
            default -> throw new IOException("unknown command kind " + kind);
        };
        if (in.available() > 0) {
            throw new IOException(in.available() + " bytes after the command");
        }
        return command;
    }

    static int count(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > in.available()) {
            throw new IOException("count " + count + " is out of bounds");
        }
        return count;
    }

    private static void writeSamples(DataOutputStream out, List<Sample> samples) throws IOException {
        out.writeInt(samples.size());
        for (Sample sample : samples) {
            SampleCodec.writeSample(out, sample);
        }
    }

    /** A pushed exposition's samples (an aggregated one's or a group's). */
    private static List<Sample> readSamples(DataInputStream in) throws IOException {
        int count = count(in);
        List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            samples.add(SampleCodec.readSample(in, true));
        }
        return samples;
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            SampleCodec.writeString(out, e.getKey());
            SampleCodec.writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int size = count(in);
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            String key = SampleCodec.readString(in);
            String value = SampleCodec.readString(in);
            if (key == null || value == null) {
                throw new IOException("a label without a name or a value");
            }
            map.put(key, value);
        }
        return map;
    }

    /** Writes each kind of command; I/O errors cannot happen on a byte array and are rethrown unchecked. */
    private record Writer(DataOutputStream out) implements Command.Handler<Void> {
        @Override
        public Void samples(Command.Samples samples) {
            return write(() -> {
                out.writeByte(SAMPLES);
                out.writeInt(samples.size());
                for (int i = 0; i < samples.size(); i++) {
                    out.writeInt(samples.index(i));
                    SampleCodec.writeSample(out, samples.get(i));
                }
            });
        }

        @Override
        public Void keyedSamples(Command.KeyedSamples samples) {
            return write(() -> {
                out.writeByte(KEYED_SAMPLES);
                out.writeLong(samples.windowMillis());
                out.writeInt(samples.samples().size());
                for (int i = 0; i < samples.samples().size(); i++) {
                    out.writeInt(samples.indexes()[i]);
                    out.writeLong(samples.keys()[i]);
                    out.writeLong(samples.pointMillis()[i]);
                    SampleCodec.writeSample(out, samples.samples().get(i));
                }
            });
        }

        @Override
        public Void exposition(Command.Exposition exposition) {
            return write(() -> {
                out.writeByte(EXPOSITION);
                writeSamples(out, exposition.samples());
            });
        }

        @Override
        public Void groupPush(Command.GroupPush push) {
            return write(() -> {
                out.writeByte(GROUP_PUSH);
                writeMap(out, push.grouping());
                out.writeBoolean(push.put());
                writeSamples(out, push.samples());
            });
        }

        @Override
        public Void groupFailure(Command.GroupFailure failure) {
            return write(() -> {
                out.writeByte(GROUP_FAILURE);
                writeMap(out, failure.grouping());
            });
        }

        @Override
        public Void groupDelete(Command.GroupDelete delete) {
            return write(() -> {
                out.writeByte(GROUP_DELETE);
                writeMap(out, delete.grouping());
            });
        }

        @Override
        public Void removeCarrying(Command.RemoveCarrying remove) {
            return write(() -> {
                out.writeByte(REMOVE_CARRYING);
                writeMap(out, remove.labels());
            });
        }

        @Override
        public Void wipe(Command.Wipe wipe) {
            return write(() -> out.writeByte(WIPE));
        }

        @Override
        public Void once(Command.Once once) {
            return write(() -> {
                out.writeByte(ONCE);
                out.writeLong(once.key());
                out.writeLong(once.windowMillis());
                out.write(encode(once.command())); // the rest of the bytes
            });
        }

        private interface Io {
            void run() throws IOException;
        }

        private static Void write(Io io) {
            try {
                io.run();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory does not fail", e);
            }
            return null;
        }
    }
}
