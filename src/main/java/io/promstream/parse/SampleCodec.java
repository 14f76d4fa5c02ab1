package io.promstream.parse;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A sample's bytes in a queued {@link Command} ({@link CommandCodec}): every field the store reads. */
public final class SampleCodec {
    /** After the gauge op and timestamp: 0 a plain sample, 1 a whole classic histogram or summary, then these. */
    private static final int WHOLE_NATIVE = 2;

    private static final int NATIVE_SCHEMA = 3;

    /** A bit of the gauge op's byte: a TTL follows the timestamp (samples without one read as before). */
    private static final int HAS_TTL = 0x40;

    /** A bit of the gauge op's byte: the credential that pushed it follows (and the TTL, if any). */
    private static final int HAS_CREDENTIAL = 0x20;

    private SampleCodec() {}

    static void writeSample(DataOutputStream out, Sample sample) throws IOException {
        out.writeByte(sample.type() == null ? -1 : sample.type().checkpointCode());
        writeString(out, sample.name());
        out.writeBoolean(sample.hasValue());
        out.writeDouble(sample.value());
        writeString(out, sample.help());
        out.writeInt(sample.labelCount());
        for (int i = 0; i < sample.labelCount(); i++) {
            writeString(out, sample.labelName(i));
            writeString(out, sample.labelValue(i));
        }
        writeDoubles(out, sample.buckets());
        writeDoubles(out, sample.quantiles());
        writeDoubles(out, sample.epsilons());
        boolean ttl = sample.ttlMillis() != Sample.NO_TTL;
        boolean credential = sample.credential() != null;
        out.writeByte(sample.op().ordinalCode() | (ttl ? HAS_TTL : 0) | (credential ? HAS_CREDENTIAL : 0));
        out.writeLong(sample.timestamp());
        if (ttl) {
            out.writeLong(sample.ttlMillis());
        }
        if (credential) {
            writeString(out, sample.credential());
        }
        Aggregate aggregate = sample.aggregate();
        if (sample.nativeHistogram() != null) { // kinds 2 and 3 are new: samples without them read as before
            out.writeByte(WHOLE_NATIVE);
            sample.nativeHistogram().write(out);
            return;
        }
        if (sample.hasNativeSchema()) {
            out.writeByte(NATIVE_SCHEMA);
            out.writeByte(sample.nativeSchema());
            return;
        }
        out.writeBoolean(aggregate != null);
        if (aggregate != null) {
            long[] cumulative = aggregate.cumulative();
            out.writeInt(cumulative == null ? -1 : cumulative.length);
            if (cumulative != null) {
                for (long c : cumulative) {
                    out.writeLong(c);
                }
            }
            double[] values = aggregate.quantileValues();
            out.writeInt(values == null ? -1 : values.length);
            if (values != null) {
                for (double v : values) {
                    out.writeDouble(v);
                }
            }
            out.writeLong(aggregate.count());
            out.writeDouble(aggregate.sum());
        }
    }

    /**
     * Reads a sample and validates it again, by the rules of its source: a pushed exposition's ({@code pushed}:
     * gauges and untyped may be infinite) or a JSON sample's.
     */
    static Sample readSample(DataInputStream in, boolean pushed) throws IOException {
        Sample sample = new Sample();
        int type = in.readByte();
        if (type >= 0) {
            MetricType known = MetricType.ofCheckpointCode(type);
            if (known == null) {
                throw new IOException("unknown metric type " + type);
            }
            sample.type(known);
        }
        sample.name(readString(in));
        boolean hasValue = in.readBoolean();
        double value = in.readDouble();
        if (hasValue) {
            sample.value(value);
        }
        sample.help(readString(in));
        int labels = CommandCodec.count(in);
        boolean emptyInstance = false;
        for (int i = 0; i < labels; i++) {
            String labelName = readString(in);
            String labelValue = readString(in);
            if (labelName == null || labelValue == null) {
                throw new IOException("a label without a name or a value");
            }
            sample.label(labelName, labelValue);
            emptyInstance |= labelName.equals("instance") && labelValue.isEmpty();
        }
        readDoubles(in, sample.buckets());
        readDoubles(in, sample.quantiles());
        readDoubles(in, sample.epsilons());
        int opByte = in.readByte();
        GaugeOp op = GaugeOp.ofOrdinalCode(opByte & ~(HAS_TTL | HAS_CREDENTIAL));
        if (op == null) {
            throw new IOException("unknown gauge op");
        }
        sample.op(op);
        sample.timestamp(in.readLong());
        if ((opByte & HAS_TTL) != 0) {
            long ttl = in.readLong();
            if (ttl < 0 || ttl > SeriesTtl.MAX_MILLIS) {
                throw new IOException("a TTL out of bounds");
            }
            sample.ttl(ttl);
        }
        if ((opByte & HAS_CREDENTIAL) != 0) {
            sample.pushed(sample.ttlMillis(), readString(in));
        }
        int whole = in.readUnsignedByte();
        if (whole == WHOLE_NATIVE) {
            sample.nativeHistogram(NativeHistogram.read(in));
        } else if (whole == NATIVE_SCHEMA) {
            sample.nativeSchema(in.readByte());
        } else if (whole > WHOLE_NATIVE) {
            throw new IOException("unknown kind of sample " + whole);
        } else if (whole == 1) {
            int buckets = in.readInt();
            long[] cumulative = buckets < 0 ? null : new long[checked(buckets, in)];
            for (int i = 0; cumulative != null && i < cumulative.length; i++) {
                cumulative[i] = in.readLong();
            }
            int quantiles = in.readInt();
            double[] values = quantiles < 0 ? null : new double[checked(quantiles, in)];
            for (int i = 0; values != null && i < values.length; i++) {
                values[i] = in.readDouble();
            }
            sample.aggregate(new Aggregate(cumulative, values, in.readLong(), in.readDouble()));
        }
        // the queue is anyone's to push onto: never trust a decoded sample
        if (pushed) {
            SampleValidator.validatePushed(sample);
        } else {
            SampleValidator.validate(sample);
        }
        if (emptyInstance) {
            sample.labels().addEmptyIfAbsent("instance"); // a group's series, as PushConverter leaves them
        }
        return sample;
    }

    static int checked(int count, DataInputStream in) throws IOException {
        if (count > in.available()) {
            throw new IOException("count " + count + " is out of bounds");
        }
        return count;
    }

    static void writeDoubles(DataOutputStream out, Doubles doubles) throws IOException {
        out.writeInt(doubles.size());
        for (int i = 0; i < doubles.size(); i++) {
            out.writeDouble(doubles.get(i));
        }
    }

    static void readDoubles(DataInputStream in, Doubles into) throws IOException {
        int size = in.readInt();
        if (size < -1 || size > in.available()) {
            throw new IOException("count " + size + " is out of bounds");
        }
        into.clear();
        if (size >= 0) {
            into.start();
        }
        for (int i = 0; i < size; i++) {
            into.add(in.readDouble());
        }
    }

    /** A string, or {@code null}, as its UTF-8 length (-1 for null) and bytes. */
    public static void writeString(DataOutputStream out, String text) throws IOException {
        if (text == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** What {@link #writeString} wrote; an IOException when the length is out of bounds. */
    public static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available()) {
            throw new IOException("string length " + length + " is out of bounds");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
