package io.promstream.expose;

import io.prometheus.client.exporter.common.TextFormat;
import java.util.Arrays;
import java.util.Locale;

/**
 * The formats of {@code GET /metrics}, and the one place a scrape's {@code Accept} header chooses among them
 * ({@link #negotiate}). A new format is a constant here, its writer, and its branch in {@link ExpositionServlet}.
 */
enum ExpositionFormat {
    /** The text format 0.0.4: the default. */
    TEXT(TextFormat.CONTENT_TYPE_004),
    /** OpenMetrics 1.0, fitted by {@link OpenMetricsFit}. */
    OPEN_METRICS(TextFormat.CONTENT_TYPE_OPENMETRICS_100),
    /** Length-delimited {@code io.prometheus.client.MetricFamily} messages, written by {@link ProtobufWriter}. */
    PROTOBUF(ProtobufWriter.CONTENT_TYPE);

    private final String contentType;

    ExpositionFormat(String contentType) {
        this.contentType = contentType;
    }

    String contentType() {
        return contentType;
    }

    /**
     * The format a scrape gets: of the formats the header accepts (quality above 0), the one of the highest quality,
     * each format's quality taken from the most specific media range naming it ({@code text/plain} over
     * {@code text/*} over {@code *}{@code /*}). A tie goes to the range written first, and among formats a wildcard
     * alone accepts, to the order of this enum (the text format first). Ranges name the formats as client_golang's
     * negotiation has them: {@code text/plain} with {@code version=0.0.4} or none; {@code application/openmetrics-text}
     * with {@code version=1.0.0}, {@code 0.0.1} or none; {@code application/vnd.google.protobuf} with
     * {@code proto=io.prometheus.client.MetricFamily} and {@code encoding=delimited}. No header, or none acceptable:
     * the text format.
     */
    @SuppressWarnings("EnumOrdinal") // the formats' quality and specificity kept in arrays by their order
    static ExpositionFormat negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return TEXT;
        }
        ExpositionFormat[] formats = values();
        double[] quality = new double[formats.length];
        int[] specificity = new int[formats.length];
        int[] position = new int[formats.length];
        Arrays.fill(specificity, -1);
        String[] ranges = accept.split(",");
        for (int r = 0; r < ranges.length; r++) {
            MediaRange range = MediaRange.parse(ranges[r]);
            if (range == null) {
                continue;
            }
            for (ExpositionFormat format : formats) {
                int s = range.specificityFor(format);
                int i = format.ordinal();
                if (s > specificity[i]) { // the most specific range naming a format sets its quality
                    specificity[i] = s;
                    quality[i] = range.quality;
                    position[i] = r;
                }
            }
        }
        ExpositionFormat best = TEXT;
        int b = -1;
        for (ExpositionFormat format : formats) {
            int i = format.ordinal();
            if (specificity[i] < 0 || quality[i] <= 0) {
                continue;
            }
            boolean better = b < 0
                    || quality[i] > quality[b]
                    || quality[i] == quality[b]
                            && (specificity[i] > specificity[b]
                                    || specificity[i] == specificity[b] && position[i] < position[b]);
            if (better) {
                best = format;
                b = i;
            }
        }
        return best;
    }

    /** One media range of an {@code Accept} header: type, subtype, the parameters that matter here, its quality. */
    private record MediaRange(
            String type, String subtype, String version, String proto, String encoding, double quality) {
        private static final int WILDCARD = 0;
        private static final int TYPE_WILDCARD = 1;
        private static final int EXACT = 2;

        /** The range, or {@code null} for one that is not {@code type/subtype} or has a quality that is no number. */
        static MediaRange parse(String text) {
            String[] parts = text.split(";");
            String[] types = parts[0].trim().toLowerCase(Locale.ROOT).split("/", -1);
            if (types.length != 2 || types[0].isEmpty() || types[1].isEmpty()) {
                return null;
            }
            String version = null;
            String proto = null;
            String encoding = null;
            double quality = 1;
            for (int i = 1; i < parts.length; i++) {
                String[] pair = parts[i].split("=", 2);
                if (pair.length != 2) {
                    continue;
                }
                String name = pair[0].trim().toLowerCase(Locale.ROOT);
                String value = pair[1].trim().replace("\"", "");
                switch (name) {
                    case "q" -> {
                        try {
                            quality = Double.parseDouble(value);
                        } catch (NumberFormatException e) {
                            return null;
                        }
                        if (!(quality >= 0 && quality <= 1)) {
                            return null;
                        }
                    }
                    case "version" -> version = value;
                    case "proto" -> proto = value;
                    case "encoding" -> encoding = value;
                    default -> {}
                }
            }
            return new MediaRange(types[0], types[1], version, proto, encoding, quality);
        }

        /** How specifically this range names the format, or -1 when it does not. */
        int specificityFor(ExpositionFormat format) {
            if (type.equals("*") && subtype.equals("*")) {
                return WILDCARD;
            }
            String[] own = format.contentType.split(";")[0].split("/");
            if (!type.equals(own[0])) {
                return -1;
            }
            if (subtype.equals("*")) {
                return TYPE_WILDCARD;
            }
            if (!subtype.equals(own[1])) {
                return -1;
            }
            boolean named = switch (format) {
                case TEXT -> version == null || version.equals("0.0.4");
                case OPEN_METRICS -> version == null || version.equals("1.0.0") || version.equals("0.0.1");
                case PROTOBUF -> "io.prometheus.client.MetricFamily".equals(proto) && "delimited".equals(encoding);
            };
            return named ? EXACT : -1;
        }
    }
}
