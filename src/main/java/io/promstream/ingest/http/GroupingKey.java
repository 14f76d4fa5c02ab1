package io.promstream.ingest.http;

import io.promstream.parse.Names;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels a push path gives every pushed series (docs/endpoints.md). The Pushgateway's form is
 * {@code job/<job>{/<label>/<value>}}; the aggregation gateway's is {@code {<label>/<value>}} without a job. A name
 * suffixed {@code @base64} carries a base64url value ({@code =} alone is the empty value); a label given twice
 * takes its last value, and a {@code job} among the labels of a job path is ignored, as the Pushgateway does.
 * Values must be UTF-8.
 */
public record GroupingKey(Map<String, String> labels) {

    /** Whether the raw path after {@code /metrics/} is a job path. */
    public static boolean isJobPath(String rawPath) {
        return rawPath.startsWith("job/") || rawPath.startsWith("job@base64/");
    }

    /** Parses the raw (still percent-encoded) path after {@code /metrics/}: {@code job/<job>{/<label>/<value>}}. */
    public static GroupingKey parse(String rawPath) {
        int slash = rawPath.indexOf('/');
        if (!isJobPath(rawPath) || slash < 0) {
            throw new IllegalArgumentException("the path must be /metrics/job/<job>{/<label>/<value>}");
        }
        String jobName = rawPath.substring(0, slash);
        int end = rawPath.indexOf('/', slash + 1);
        String jobValue = end < 0 ? rawPath.substring(slash + 1) : rawPath.substring(slash + 1, end);
        String job = jobName.endsWith("@base64") ? base64(percentDecode(jobValue), "job") : percentDecode(jobValue);
        if (job.isEmpty()) {
            throw new IllegalArgumentException("job name is required");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("job", job);
        String rest = end < 0 ? "" : rawPath.substring(end);
        if (rest.length() > 1) { // "" or "/" alone: no labels
            pairs(rest.substring(1), labels, "odd number of components in label string \"" + rest + "\"", true);
        }
        return new GroupingKey(labels);
    }

    /** Parses the aggregation gateway's label path after {@code /metrics/}: {@code {<label>/<value>}}, no job needed. */
    public static GroupingKey parseLabels(String rawPath) {
        String trimmed = rawPath;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (!trimmed.isEmpty()) {
            pairs(trimmed, labels, "labels must be defined in pairs", false);
        }
        return new GroupingKey(labels);
    }

    private static void pairs(String path, Map<String, String> labels, String oddMessage, boolean jobFixed) {
        String[] segments = path.split("/", -1);
        if (segments.length % 2 != 0) {
            throw new IllegalArgumentException(oddMessage);
        }
        for (int i = 0; i < segments.length; i += 2) {
            String name = percentDecode(segments[i]);
            String value = percentDecode(segments[i + 1]);
            if (name.endsWith("@base64")) {
                name = name.substring(0, name.length() - "@base64".length());
                value = base64(value, name);
            }
            if (!Names.isValidLabelName(name)) {
                throw new IllegalArgumentException("improper label name \"" + name + "\"");
            }
            if (!(jobFixed && name.equals("job"))) {
                labels.put(name, value); // the last one given wins
            }
        }
    }

    private static String base64(String value, String name) {
        if (value.equals("=") || value.isEmpty()) {
            return "";
        }
        try {
            String unpadded = value.replace('+', '-').replace('/', '_');
            while (unpadded.endsWith("=")) {
                unpadded = unpadded.substring(0, unpadded.length() - 1);
            }
            return utf8(Base64.getUrlDecoder().decode(unpadded), name);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().contains("not valid UTF-8")) {
                throw e;
            }
            throw new IllegalArgumentException("invalid base64 encoding for label " + name + "=\"" + value + "\"");
        }
    }

    /** Decodes %XX escapes only ({@code +} stays a plus sign, as in paths); the result must be UTF-8. */
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
        return utf8(out.toByteArray(), segment);
    }

    private static String utf8(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("label value of \"" + what + "\" in the path is not valid UTF-8");
        }
    }
}
