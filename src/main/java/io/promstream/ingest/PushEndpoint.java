package io.promstream.ingest;

/** The HTTP ingestion endpoints, named by path: the {@code endpoint} label of the {@code http_*} meta metrics. */
public enum PushEndpoint {
    /** {@code POST /api/metrics}. */
    JSON("json"),
    /** {@code /metrics/job/...}: Pushgateway-style pushes and deletes. */
    TEXT("text"),
    /** {@code GET /metrics}, when it is protected. */
    SCRAPE("scrape");

    /** Servlet URL patterns of the push endpoints. */
    public static final String[] PUSH_PATHS = {"/api/metrics", "/metrics/job/*", "/metrics/job@base64/*"};

    private final String label;

    PushEndpoint(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The endpoint a request URI belongs to. */
    public static PushEndpoint of(String uri) {
        if (uri.startsWith("/api/")) {
            return JSON;
        }
        return uri.startsWith("/metrics/") ? TEXT : SCRAPE;
    }
}
