package io.promstream.ui;

import io.promstream.ingest.http.IngestAuthFilter;
import io.promstream.tasks.AdminTokenFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * In front of the console's actions ({@code /ui/api/actions/*}, before the ingestion credentials' filter), it judges
 * a {@code POST}: allowed only when an admin token is configured, with the {@value #HEADER} header (which a
 * cross-site form cannot send, and a cross-site script cannot without a preflight this gateway never grants), from
 * this gateway's own origin when the browser names one, and with {@code Authorization: Bearer <admin.token>}
 * ({@link AdminTokenFilter#accepts}). An allowed request is marked {@link IngestAuthFilter#ADMIN_AUTHORIZED} (the
 * admin token stands for the ingestion credentials); any other goes on unmarked, with the reason, so the ingestion
 * credentials' filter refuses it as it refuses any write without them, and where none are configured the action
 * refuses it ({@link #refusal}). It never answers itself: whatever reaches an action unmarked is refused there.
 */
public final class ActionGuard implements Filter {
    /** The header the console's script sends with every action. */
    public static final String HEADER = "X-Console-Action";

    private static final String REFUSAL = "io.promstream.ui.refusal";

    private final AdminTokenFilter token;

    /** Why an action was refused: the status and what the console shows. */
    public record Refusal(int status, String message) {}

    /** @param token the admin token's check, or {@code null} when none is configured (every action is refused) */
    public ActionGuard(AdminTokenFilter token) {
        this.token = token;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        Refusal refusal = judge(request);
        if (refusal == null) {
            request.setAttribute(IngestAuthFilter.ADMIN_AUTHORIZED, true);
        } else {
            request.setAttribute(REFUSAL, refusal);
        }
        chain.doFilter(req, res);
    }

    private Refusal judge(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod())) {
            return new Refusal(405, "console actions are POSTs");
        } else if (token == null) {
            return new Refusal(403, "console actions are off: the gateway has no admin.token (env ADMIN_TOKEN)");
        } else if (!"1".equals(request.getHeader(HEADER))) {
            return new Refusal(403, "console actions need the " + HEADER + " header the console sends");
        } else if (!sameOrigin(request)) {
            return new Refusal(403, "console actions are taken only from the gateway's own pages");
        } else if (!token.accepts(request.getHeader("Authorization"))) {
            return new Refusal(401, "console actions need Authorization: Bearer <admin.token>");
        }
        return null;
    }

    /** Why an action must not run, or {@code null} when the guard allowed it; denies what the guard never saw. */
    public static Refusal refusal(HttpServletRequest request) {
        if (Boolean.TRUE.equals(request.getAttribute(IngestAuthFilter.ADMIN_AUTHORIZED))) {
            return null;
        }
        return request.getAttribute(REFUSAL) instanceof Refusal refusal
                ? refusal
                : new Refusal(403, "console actions are taken only at /ui/api/actions/");
    }

    /** No {@code Origin} (not a browser's cross-site request), or one naming this server's host and port. */
    static boolean sameOrigin(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return true;
        }
        try {
            URI uri = new URI(origin);
            if (uri.getHost() == null) {
                return false; // "null", a sandboxed or file page
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            return uri.getHost().equalsIgnoreCase(request.getServerName()) && port == request.getServerPort();
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
