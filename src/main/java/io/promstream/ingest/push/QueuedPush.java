package io.promstream.ingest.push;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

/**
 * The first format of a queued HTTP push (docs/wire-format.md, Queued HTTP pushes): a marker no JSON element starts
 * with ({@code \0PSG} and format byte 1), the length of a small JSON header, the header, then the body exactly as it
 * was pushed. Gateways now queue {@link QueuedCommand}s (format 2) and still read this one, which an older gateway
 * may have queued; {@link #encode()} is kept for the tests that play that gateway.
 *
 * @param op {@code json}, {@code exposition}, {@code failure} (a readable push its group refused, for
 *     {@code push_failure_time_seconds}), {@code delete} (a group), {@code remove} (series carrying the labels),
 *     or {@code wipe} (every group)
 * @param shard the shard whose samples this copy carries, or -1 for all of them
 */
public record QueuedPush(
        String op,
        String id,
        String source,
        String contentType,
        String mode,
        boolean put,
        Map<String, String> grouping,
        int shard,
        int shards,
        byte[] body) {
    private static final byte[] MAGIC = {0, 'P', 'S', 'G'};
    static final byte FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The header as written: everything but the body. */
    record Header(
            String op,
            String id,
            String source,
            String contentType,
            String mode,
            boolean put,
            Map<String, String> grouping,
            int shard,
            int shards) {}

    /** Whether a queue element is a queued push rather than a sender's JSON. */
    static boolean isQueuedPush(byte[] element) {
        return element.length >= MAGIC.length + 1
                && element[0] == MAGIC[0]
                && element[1] == MAGIC[1]
                && element[2] == MAGIC[2]
                && element[3] == MAGIC[3];
    }

    byte[] encode() {
        try {
            ByteArrayOutputStream header = new ByteArrayOutputStream(256);
            try (JsonGenerator json = JSON.getFactory().createGenerator(header)) { // as databind writes Header
                json.writeStartObject();
                json.writeStringField("op", op);
                json.writeStringField("id", id);
                json.writeStringField("source", source);
                json.writeStringField("contentType", contentType);
                json.writeStringField("mode", mode);
                json.writeBooleanField("put", put);
                if (grouping == null) {
                    json.writeNullField("grouping");
                } else {
                    json.writeObjectFieldStart("grouping");
                    for (Map.Entry<String, String> label : grouping.entrySet()) {
                        json.writeStringField(label.getKey(), label.getValue());
                    }
                    json.writeEndObject();
                }
                json.writeNumberField("shard", shard);
                json.writeNumberField("shards", shards);
                json.writeEndObject();
            }
            ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 1 + Integer.BYTES + header.size() + body.length);
            out.put(MAGIC)
                    .put(FORMAT)
                    .putInt(header.size())
                    .put(header.toByteArray())
                    .put(body);
            return out.array();
        } catch (IOException e) {
            throw new UncheckedIOException("a header of strings always serializes", e);
        }
    }

    /** Reads a queued push; {@link IOException} for one that is damaged or of an unknown format. */
    static QueuedPush decode(byte[] element) throws IOException {
        if (!isQueuedPush(element)) {
            throw new IOException("not a queued push");
        }
        if (element[MAGIC.length] != FORMAT) {
            throw new IOException("queued push format " + element[MAGIC.length] + " is not supported");
        }
        ByteBuffer in = ByteBuffer.wrap(element, MAGIC.length + 1, element.length - MAGIC.length - 1);
        if (in.remaining() < Integer.BYTES) {
            throw new IOException("queued push cut short");
        }
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IOException("queued push header length " + length + " is out of bounds");
        }
        int start = in.position();
        Header header = JSON.readValue(element, start, length, Header.class);
        if (header.op() == null || header.id() == null) {
            throw new IOException("queued push header lacks op or id");
        }
        byte[] body = Arrays.copyOfRange(element, start + length, element.length);
        return new QueuedPush(
                header.op(),
                header.id(),
                header.source(),
                header.contentType(),
                header.mode(),
                header.put(),
                header.grouping() == null ? Map.of() : header.grouping(),
                header.shard(),
                header.shards(),
                body);
    }
}
