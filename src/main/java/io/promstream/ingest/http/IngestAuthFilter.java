package io.promstream.ingest.http;

import io.prometheus.client.Counter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Requires a configured bearer token or basic-auth user, or (with {@code certificates}) a client certificate the
 * TLS handshake verified, on every request of the application port but the open reads; answers 401 (counted)
 * otherwise. Denies by default: whatever the path and its spelling, only a
 * {@code GET} or {@code HEAD} (with no method-override header) is ever let through without credentials, and,
 * with {@code protectReads}, only to the probes. Credentials are compared in constant time.
 */
public final class IngestAuthFilter implements Filter {
    /** Map this filter to every path of the application port. */
    public static final String EVERY_PATH = "/*";

    /**
     * A request attribute a filter in front of this one sets on a request it authorized with the admin token (the
     * console's actions): that request needs no ingestion credentials. Clients cannot set request attributes.
     */
    public static final String ADMIN_AUTHORIZED = "io.promstream.adminAuthorized";

    /**
     * The request attribute naming the credential that authorized it, for its quota: {@code token:<i>} (the i-th of
     * {@code http.bearerTokens}, from 0), {@code user:<name>} or {@code cert:<subject>}; absent without one.
     */
    public static final String CREDENTIAL = "io.promstream.credential";

    private final List<byte[]> tokens;
    private final Map<String, String> users;
    private final Counter unauthorized;
    private final boolean protectReads;
    private final boolean certificates;

    /**
     * @param protectReads whether reads ({@code GET /metrics}, {@code GET /api/...}) need credentials too
     * @param certificates whether a verified client certificate counts as credentials
     */
    public IngestAuthFilter(
            List<String> tokens,
            Map<String, String> users,
            Counter unauthorized,
            boolean protectReads,
            boolean certificates) {
        this.tokens =
                tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        this.users = Map.copyOf(users);
        this.unauthorized = unauthorized;
        this.protectReads = protectReads;
        this.certificates = certificates;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        String credential = credential(request.getHeader("Authorization"));
        if (credential == null && certified(request)) {
            credential = "cert:"
                    + ((X509Certificate[]) request.getAttribute(CLIENT_CERTIFICATES))
                            [0].getSubjectX500Principal()
                            .getName();
        }
        if (credential != null) {
            request.setAttribute(CREDENTIAL, credential);
        }
        if (open(request) || credential != null || Boolean.TRUE.equals(request.getAttribute(ADMIN_AUTHORIZED))) {
            chain.doFilter(req, res);
            return;
        }
        unauthorized
                .labels(PushEndpoint.of(request.getMethod(), request.getRequestURI())
                        .label())
                .inc();
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(401);
        response.setHeader("WWW-Authenticate", users.isEmpty() ? "Bearer" : "Basic realm=\"prom-stream-gateway\"");
        response.setContentType("text/plain");
        response.getWriter().println("credentials required");
    }

    /** Whether the request may go through without credentials. */
    boolean open(HttpServletRequest request) {
        return PushEndpoint.isRead(request.getMethod(), request::getHeader)
                && (!protectReads || PushEndpoint.isProbe(request.getRequestURI()));
    }

    /** Whether the request came with a client certificate; Jetty names only those the handshake verified. */
    private boolean certified(HttpServletRequest request) {
        return certificates
                && request.getAttribute(CLIENT_CERTIFICATES) instanceof X509Certificate[] chain
                && chain.length > 0;
    }

    private static final String CLIENT_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

    boolean allowed(String header) {
        return credential(header) != null;
    }

    /** The credential an {@code Authorization} header names and proves ({@link #CREDENTIAL}), or {@code null}. */
    String credential(String header) {
        if (header == null) {
            return null;
        }
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            int matched = -1;
            for (int i = 0; i < tokens.size(); i++) {
                matched = MessageDigest.isEqual(tokens.get(i), given) ? i : matched; // every token compared
            }
            return matched < 0 ? null : "token:" + matched;
        }
        if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(
                        Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            String user = decoded.substring(0, colon);
            String expected = users.get(user);
            return expected != null
                            && MessageDigest.isEqual(
                                    expected.getBytes(StandardCharsets.UTF_8),
                                    decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8))
                    ? "user:" + user
                    : null;
        }
        return null;
    }
}
