package io.promstream.ingest.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The application port's requests as the {@code http_*} meta metrics and the authentication filter see them: by
 * endpoint, whatever the spelling of the path (trailing or doubled slashes, {@code ;matrix} parameters, encoded
 * characters), since the router answers every such spelling of a route.
 */
public enum PushEndpoint {
    /** {@code POST /api/metrics}. */
    JSON("json"),
    /** Exposition pushes, text or protobuf: {@code /metrics/...}, {@code /aggregate/...}, {@code /replace/...}. */
    PUSH("push"),
    /** OTLP/HTTP metrics exports: {@code POST /v1/metrics}. */
    OTLP("otlp"),
    /** The Pushgateway's API: {@code /api/v1/...}. */
    API("api"),
    /** {@code GET /metrics} and the other reads. */
    SCRAPE("scrape"),
    /** Any other route of the application port. */
    OTHER("other");

    /** Reads that stay open even when reads are protected: the liveness and readiness probes. */
    private static final Set<String> PROBES = Set.of("/", "/-/healthy", "/-/ready", "/api/health");
    /** Headers some routers take as the request's real method. */
    private static final String[] METHOD_OVERRIDES = {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"};

    private final String label;

    PushEndpoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The endpoint a request belongs to; a read ({@code GET} or {@code HEAD}) is a scrape. */
    public static PushEndpoint of(String method, String uri) {
        String path = normalize(uri);
        if (path.equals("/api/metrics")) {
            return JSON;
        }
        if (isRead(method, null)) {
            return SCRAPE;
        }
        if (path.equals("/v1/metrics")) {
            return OTLP;
        }
        if (path.startsWith("/api/v1/")) {
            return API;
        }
        return isPushPath(path) ? PUSH : OTHER;
    }

    /** Whether the request is a push (counted in {@code http_pushes_total}). */
    public boolean isPush() {
        return this == JSON || this == PUSH || this == API || this == OTLP;
    }

    /**
     * Whether a request only reads: {@code GET} or {@code HEAD}, with no header asking a router to take it as
     * another method. {@code header} looks a request header up; {@code null} when there are none to look at.
     */
    public static boolean isRead(String method, UnaryOperator<String> header) {
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return false;
        }
        if (header != null) {
            for (String name : METHOD_OVERRIDES) {
                if (header.apply(name) != null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether the path (any spelling) is one of the probes, open to every read. */
    public static boolean isProbe(String uri) {
        return PROBES.contains(normalize(uri));
    }

    private static boolean isPushPath(String path) {
        for (String root : new String[] {"/metrics", "/aggregate/metrics", "/replace/metrics"}) {
            if (path.equals(root) || path.startsWith(root + "/")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The path as the router matches it: each segment without its {@code ;} parameters and percent-decoded,
     * empty segments dropped, so {@code //api/metrics/;x=1} and {@code /api/%6detrics} are {@code /api/metrics}.
     */
    static String normalize(String uri) {
        StringBuilder out = new StringBuilder();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        for (String segment : path.split("/")) {
            int parameters = segment.indexOf(';');
            String bare = parameters < 0 ? segment : segment.substring(0, parameters);
            if (bare.isEmpty()) {
                continue;
            }
            try {
                bare = URLDecoder.decode(bare.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                // a malformed escape: left as it is (the router refuses it anyway)
            }
            out.append('/').append(bare);
        }
        return out.length() == 0 ? "/" : out.toString();
    }
}
