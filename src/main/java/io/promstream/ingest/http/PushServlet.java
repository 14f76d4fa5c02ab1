package io.promstream.ingest.http;

import io.promstream.parse.PushMode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The exposition push paths ({@link PushPaths} does the work). The bare {@code /metrics/<path>} follows
 * {@code http.pushMode}; {@code /aggregate/metrics{/<path>}} and {@code /replace/metrics{/<path>}} always do what
 * they say, so one gateway serves both kinds of clients. A plain servlet rather than Jersey resources: a push is
 * the busiest request the gateway answers, and Jersey's routing and injection took as much of it as Jetty.
 */
public final class PushServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    /** Where the servlet is mapped. */
    public static final List<String> MAPPINGS = List.of(
            "/metrics/*", "/aggregate/metrics", "/aggregate/metrics/*", "/replace/metrics", "/replace/metrics/*");

    private static final String BARE = "/metrics/";
    private static final String AGGREGATE = "/aggregate/metrics";
    private static final String REPLACE = "/replace/metrics";
    /** The answer Jersey's endpoints give when Redis cannot store a push (503), for the same answer here. */
    private static final RedisUnavailableMapper REDIS_UNAVAILABLE = new RedisUnavailableMapper();

    private final transient PushPaths paths;
    private final PushMode bareMode;

    public PushServlet(PushPaths paths, PushMode bareMode) {
        this.paths = paths;
        this.bareMode = bareMode;
    }

    /** The mode and raw path (after {@code .../metrics/}, undecoded) a request names, or {@code null}. */
    private record Target(String path, PushMode mode, boolean labelPaths) {}

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        push(request, response, true);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        push(request, response, false);
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, target -> paths.delete(target.path(), target.mode()));
    }

    private void push(HttpServletRequest request, HttpServletResponse response, boolean put) throws IOException {
        InputStream in = request.getInputStream();
        serve(
                request,
                response,
                target -> paths.push(
                        target.path(),
                        target.mode(),
                        target.labelPaths(),
                        put,
                        request.getHeader("Content-Type"),
                        request.getHeader("Content-Encoding"),
                        PushHeaders.of(request),
                        in));
    }

    /** Answers with what {@code action} says of the request's target: 404 without one, 503 when Redis failed. */
    private void serve(HttpServletRequest request, HttpServletResponse response, Function<Target, Response> action)
            throws IOException {
        Target target = target(request);
        if (target == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Response answer;
        try {
            answer = action.apply(target);
        } catch (JedisException e) {
            answer = REDIS_UNAVAILABLE.toResponse(e);
        }
        response.setStatus(answer.getStatus());
        Object entity = answer.getEntity();
        if (entity == null) {
            response.setContentLength(0);
            return;
        }
        byte[] body = entity.toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType(
                answer.getMediaType() == null
                        ? "text/plain"
                        : answer.getMediaType().toString());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private Target target(HttpServletRequest request) {
        String uri = request.getRequestURI().substring(request.getContextPath().length());
        if (uri.startsWith(BARE)) {
            return new Target(uri.substring(BARE.length()), bareMode, true);
        }
        String below = below(uri, AGGREGATE);
        if (below != null) {
            return new Target(below, PushMode.AGGREGATE, true);
        }
        below = below(uri, REPLACE);
        return below == null ? null : new Target(below, PushMode.REPLACE, false);
    }

    /** The path below {@code prefix} without its leading slash ({@code ""} for the prefix itself), or {@code null}. */
    private static String below(String uri, String prefix) {
        if (uri.equals(prefix)) {
            return "";
        }
        return uri.startsWith(prefix) && uri.length() > prefix.length() && uri.charAt(prefix.length()) == '/'
                ? uri.substring(prefix.length() + 1)
                : null;
    }
}
