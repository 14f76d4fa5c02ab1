package io.promstream.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Reads a request body up to a size limit (after decompression, so a gzip bomb stops at the limit too). */
public final class BodyReader {
    /** The body exceeded the limit. */
    public static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("body over the limit of " + limit + " bytes", null);
        }
    }

    private BodyReader() {
    }

    /**
     * @param encoding the Content-Encoding header: {@code gzip}, {@code identity} or null
     * @throws TooLarge over {@code limit} bytes
     * @throws IOException for a body that is not valid gzip, or an unsupported encoding
     */
    public static byte[] read(InputStream body, String encoding, int limit) throws IOException {
        InputStream in = body;
        if (encoding != null && !encoding.isBlank() && !encoding.equalsIgnoreCase("identity")) {
            if (!encoding.trim().equalsIgnoreCase("gzip") && !encoding.trim().equalsIgnoreCase("x-gzip")) {
                throw new IOException("unsupported Content-Encoding \"" + encoding + "\" (use gzip or none)");
            }
            in = new GZIPInputStream(body, 8192);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
            if (total > limit) {
                throw new TooLarge(limit);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
