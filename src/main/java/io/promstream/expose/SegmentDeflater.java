package io.promstream.expose;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses what is written to it into {@link DeflateSegment}s, one per {@link #endSegment} call. Each segment
 * ends with a full flush, which empties the compressor's history, so no segment refers to another's bytes and a
 * segment can be kept and sent again in a later stream. One thread; {@link #close} frees the native compressor.
 */
final class SegmentDeflater extends OutputStream {
    private final Deflater deflater;
    private final CRC32 crc = new CRC32();
    private byte[] out = new byte[1 << 16];
    private int outLength;
    private long inLength;

    SegmentDeflater(int level) {
        this.deflater = new Deflater(level, true);
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return;
        }
        crc.update(bytes, offset, length);
        inLength += length;
        deflater.setInput(bytes, offset, length);
        while (!deflater.needsInput()) {
            deflate(Deflater.NO_FLUSH);
        }
    }

    /** Nothing: a segment ends only at {@link #endSegment}. */
    @Override
    public void flush() {}

    /**
     * What was written since the last segment, as a segment. The last segment of a stream ends it (its final
     * block); the others end with a full flush.
     */
    DeflateSegment endSegment(boolean last) {
        if (inLength == 0 && !last) {
            return DeflateSegment.EMPTY;
        }
        if (last) {
            deflater.finish();
            while (!deflater.finished()) {
                deflate(Deflater.NO_FLUSH);
            }
            deflater.reset();
        } else {
            int room;
            int written;
            do { // a full buffer means there may be more to flush
                room = ensureRoom();
                written = deflater.deflate(out, outLength, room, Deflater.FULL_FLUSH);
                outLength += written;
            } while (written == room);
        }
        DeflateSegment segment = new DeflateSegment(Arrays.copyOf(out, outLength), (int) crc.getValue(), inLength);
        outLength = 0;
        inLength = 0;
        crc.reset();
        return segment;
    }

    private void deflate(int flush) {
        int room = ensureRoom();
        outLength += deflater.deflate(out, outLength, room, flush);
    }

    private int ensureRoom() {
        if (out.length - outLength < 4096) {
            out = Arrays.copyOf(out, out.length * 2);
        }
        return out.length - outLength;
    }

    @Override
    public void close() {
        deflater.end();
    }
}
