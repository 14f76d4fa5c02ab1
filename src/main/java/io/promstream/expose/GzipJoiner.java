package io.promstream.expose;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes one gzip member (RFC 1952) made of deflate segments: the header, the segments in order (the last one
 * must be a last segment, holding the final block), then the CRC-32 and length of everything they hold, the
 * CRC combined from the segments' own.
 */
final class GzipJoiner {
    /** Magic, deflate, no flags, no time, no extra flags, OS unknown. */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final OutputStream out;
    private int crc;
    private long length;

    GzipJoiner(OutputStream out) throws IOException {
        this.out = out;
        out.write(HEADER);
    }

    void append(DeflateSegment segment) throws IOException {
        if (segment.length() == 0 && segment.data().length == 0) {
            return;
        }
        out.write(segment.data());
        crc = Crc32Combine.combine(crc, segment.crc(), segment.length());
        length += segment.length();
    }

    /** Writes the trailer; the last segment appended must have ended the deflate stream. */
    void finish() throws IOException {
        writeIntLe(crc);
        writeIntLe((int) length); // ISIZE: the length modulo 2^32
        out.flush();
    }

    private void writeIntLe(int value) throws IOException {
        out.write(value);
        out.write(value >>> 8);
        out.write(value >>> 16);
        out.write(value >>> 24);
    }
}
