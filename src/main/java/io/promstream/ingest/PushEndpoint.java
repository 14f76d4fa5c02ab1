package io.promstream.ingest;

/** The HTTP ingestion endpoints, named by path: the {@code endpoint} label of the {@code http_*} meta metrics. */
public enum PushEndpoint {
    /** {@code POST /api/metrics}. */
    JSON("json"),
    /** Exposition pushes, text or protobuf: {@code /metrics/...}, {@code /aggregate/...}, {@code /replace/...}. */
    PUSH("push"),
    /** The Pushgateway's API: {@code /api/v1/...}. */
    API("api"),
    /** {@code GET /metrics}, when it is protected. */
    SCRAPE("scrape");

    /** Servlet URL patterns of everything ingestion answers (the bare {@code /metrics} only for pushes to it). */
    public static final String[] PATHS = {"/api/metrics", "/metrics", "/metrics/*", "/aggregate/metrics",
        "/aggregate/metrics/*", "/replace/metrics", "/replace/metrics/*", "/api/v1/*"};

    private final String label;

    PushEndpoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The endpoint a request belongs to; a read of {@code /metrics} or of the API is a scrape. */
    public static PushEndpoint of(String method, String uri) {
        if (uri.equals("/api/metrics")) {
            return JSON;
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (uri.startsWith("/api/v1/")) {
            return read ? SCRAPE : API;
        }
        return uri.equals("/metrics") && read ? SCRAPE : PUSH;
    }
}
