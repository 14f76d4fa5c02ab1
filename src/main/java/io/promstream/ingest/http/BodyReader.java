package io.promstream.ingest.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a request body up to a size limit (after decompression, so a gzip bomb stops at the limit too) and within
 * a time limit (so a body dripped slowly holds a server thread that long at most). A gzip body is checked whole
 * (RFC 1952: header, deflate stream to its end, CRC-32 and length of every member, nothing after the last member)
 * before any of it is used: a truncated or corrupt body is refused, never applied in part.
 */
public final class BodyReader {
    /** The body exceeded the limit. */
    public static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("body over the limit of " + limit + " bytes", null);
        }
    }

    /** The body did not arrive within the time limit (answer 408). */
    public static final class TooSlow extends IOException {
        TooSlow(long millis) {
            super("the body did not arrive within " + millis + " ms", null);
        }
    }

    /** The body cannot be decoded as its Content-Encoding says. */
    public static final class BadEncoding extends IOException {
        BadEncoding(String message) {
            super(message, null);
        }
    }

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    private final int limit;
    private final long timeoutMillis;

    /**
     * @param limit the largest body, after decompression
     * @param timeoutMillis the longest its reading takes
     */
    public BodyReader(int limit, long timeoutMillis) {
        this.limit = limit;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * @param encoding the Content-Encoding header: {@code gzip} (or {@code x-gzip}), {@code identity} or null
     * @throws TooLarge over the size limit
     * @throws TooSlow not all there within the time limit
     * @throws BadEncoding for a body that is not valid gzip, or an unsupported encoding
     * @throws IOException when the body cannot be read
     */
    public byte[] read(InputStream body, String encoding) throws IOException {
        if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
            return readAll(body, limit);
        }
        String name = encoding.trim();
        if (!name.equalsIgnoreCase("gzip") && !name.equalsIgnoreCase("x-gzip")) {
            throw new BadEncoding("unsupported Content-Encoding \"" + encoding + "\" (use gzip or none)");
        }
        // deflate cannot expand what it stores by more than a few bytes per 16 KiB block, plus the headers
        return gunzip(readAll(body, limit + limit / 64 + 1024), limit);
    }

    private byte[] readAll(InputStream in, int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 8192));
        byte[] buffer = new byte[8192];
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        long total = 0;
        int n;
        while ((n = read(in, buffer)) >= 0) {
            total += n;
            if (total > max) {
                throw new TooLarge(limit);
            }
            out.write(buffer, 0, n);
            if (System.nanoTime() - deadline > 0) {
                throw new TooSlow(timeoutMillis);
            }
        }
        return out.toByteArray();
    }

    /** One read; the server's own refusals (a broken chunk, a connection reset) become {@link IOException}s. */
    private static int read(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Every member of a gzip file, checked, concatenated (as {@code gzip -d} does). */
    static byte[] gunzip(byte[] in, int limit) throws IOException {
        if (in.length == 0) {
            throw new BadEncoding("empty body sent as gzip");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, Math.max(1024, in.length * 4)));
        byte[] buffer = new byte[8192];
        int pos = 0;
        Inflater inflater = new Inflater(true);
        try {
            while (pos < in.length) {
                pos = header(in, pos);
                inflater.reset();
                inflater.setInput(in, pos, in.length - pos);
                CRC32 crc = new CRC32();
                long size = 0;
                while (!inflater.finished()) {
                    int n;
                    try {
                        n = inflater.inflate(buffer);
                    } catch (DataFormatException e) {
                        throw new BadEncoding("corrupt gzip body: " + e.getMessage());
                    }
                    if (n == 0 && !inflater.finished()) {
                        throw new BadEncoding(
                                inflater.needsInput()
                                        ? "gzip body cut short: the deflate stream does not end"
                                        : "corrupt gzip body: the deflate stream asks for a dictionary");
                    }
                    size += n;
                    if (out.size() + n > limit) {
                        throw new TooLarge(limit);
                    }
                    crc.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
                pos = in.length - inflater.getRemaining();
                if (in.length - pos < 8) {
                    throw new BadEncoding("gzip body cut short: no CRC-32 and length after the data");
                }
                if (int32(in, pos) != (int) crc.getValue()) {
                    throw new BadEncoding("gzip body damaged: CRC-32 mismatch");
                }
                if (int32(in, pos + 4) != (int) size) {
                    throw new BadEncoding("gzip body damaged: length mismatch");
                }
                pos += 8;
            }
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }

    /** Checks a member header at {@code pos}; returns where its deflate data starts. */
    private static int header(byte[] in, int pos) throws BadEncoding {
        int start = pos;
        if (in.length - pos < 10 || (in[pos] & 0xFF) != 0x1F || (in[pos + 1] & 0xFF) != 0x8B) {
            throw new BadEncoding(
                    start == 0
                            ? "the body is not gzip (Content-Encoding: gzip was sent)"
                            : "unexpected bytes after the gzip data");
        }
        if (in[pos + 2] != 8) {
            throw new BadEncoding("gzip compression method " + in[pos + 2] + " is not deflate");
        }
        int flags = in[pos + 3] & 0xFF;
        if ((flags & 0xE0) != 0) {
            throw new BadEncoding("reserved gzip header flags are set");
        }
        pos += 10;
        if ((flags & FEXTRA) != 0) {
            need(in, pos, 2);
            pos += 2 + ((in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8);
        }
        if ((flags & FNAME) != 0) {
            pos = afterZero(in, pos);
        }
        if ((flags & FCOMMENT) != 0) {
            pos = afterZero(in, pos);
        }
        if ((flags & FHCRC) != 0) {
            need(in, pos, 2);
            CRC32 crc = new CRC32();
            crc.update(in, start, pos - start);
            if (((in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8) != (int) (crc.getValue() & 0xFFFF)) {
                throw new BadEncoding("gzip header damaged: header CRC mismatch");
            }
            pos += 2;
        }
        need(in, pos, 0);
        return pos;
    }

    private static int afterZero(byte[] in, int pos) throws BadEncoding {
        while (pos < in.length && in[pos] != 0) {
            pos++;
        }
        need(in, pos, 1);
        return pos + 1;
    }

    private static void need(byte[] in, int pos, int bytes) throws BadEncoding {
        if (pos + bytes > in.length) {
            throw new BadEncoding("gzip body cut short in its header");
        }
    }

    private static int int32(byte[] in, int pos) {
        return (in[pos] & 0xFF) | (in[pos + 1] & 0xFF) << 8 | (in[pos + 2] & 0xFF) << 16 | (in[pos + 3] & 0xFF) << 24;
    }
}
