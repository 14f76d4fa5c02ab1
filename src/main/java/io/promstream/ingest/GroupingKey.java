package io.promstream.ingest;

import io.promstream.parse.Names;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Pushgateway grouping key of a push path, {@code job/<job>{/<label>/<value>}}: a name suffixed
 * {@code @base64} carries a base64url value ({@code =} alone is the empty value). Its labels are added to
 * every pushed series.
 */
public record GroupingKey(Map<String, String> labels) {

    /** Parses the raw (still percent-encoded) path after {@code /metrics/}. */
    public static GroupingKey parse(String rawPath) {
        String[] segments = rawPath.split("/", -1);
        if (segments.length < 2 || segments.length % 2 != 0) {
            throw new IllegalArgumentException("the path must be /metrics/job/<job>{/<label>/<value>}");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < segments.length; i += 2) {
            String name = percentDecode(segments[i]);
            String value = percentDecode(segments[i + 1]);
            if (name.endsWith("@base64")) {
                name = name.substring(0, name.length() - "@base64".length());
                value = base64(value, name);
            }
            if (i == 0 && !name.equals("job")) {
                throw new IllegalArgumentException("the path must start with /metrics/job/<job>");
            }
            if (!Names.isValidLabelName(name)) {
                throw new IllegalArgumentException("invalid label name \"" + name + "\" in the path");
            }
            if (labels.containsKey(name)) {
                throw new IllegalArgumentException("label \"" + name + "\" appears twice in the path");
            }
            labels.put(name, value);
        }
        if (labels.get("job").isEmpty()) {
            throw new IllegalArgumentException("the job name must not be empty");
        }
        return new GroupingKey(labels);
    }

    private static String base64(String value, String name) {
        if (value.equals("=") || value.isEmpty()) {
            return "";
        }
        try {
            String padded = value.replace('+', '-').replace('/', '_');
            return new String(Base64.getUrlDecoder().decode(padded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label \"" + name + "\" is not valid base64: " + value);
        }
    }

    /** Decodes %XX escapes only ({@code +} stays a plus sign, as in paths). */
    static String percentDecode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%' && i + 2 < segment.length()) {
                int hi = Character.digit(segment.charAt(i + 1), 16);
                int lo = Character.digit(segment.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent escape in \"" + segment + "\"");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else if (c == '%') {
                throw new IllegalArgumentException("bad percent escape in \"" + segment + "\"");
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
