package io.promstream.ingest.http;

import io.promstream.queue.LogLimiter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the pushes of one client address whose bodies have not arrived whole when they reach the server (a body
 * dripped a byte at a time holds a server thread while it is read), so that slow clients cannot hold every
 * thread: over the bound, such a push is answered 429 at once, unread. A push whose body is there already (most
 * pushes: a small body comes with its headers) and reads are never bounded. Behind a proxy every client shares its
 * address: raise the bound there, or set it to 0 (off).
 */
public final class SlowBodyFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(SlowBodyFilter.class);

    private final int perClient;
    private final ConcurrentHashMap<String, AtomicInteger> underWay = new ConcurrentHashMap<>();
    private final LogLimiter refusals;

    public SlowBodyFilter(int perClient, LogLimiter refusals) {
        this.perClient = perClient;
        this.refusals = refusals;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (PushEndpoint.isRead(request.getMethod(), request::getHeader) || arrived(request)) {
            chain.doFilter(req, res);
            return;
        }
        String client = request.getRemoteAddr();
        AtomicInteger count = underWay.computeIfAbsent(client, c -> new AtomicInteger());
        if (count.incrementAndGet() > perClient) {
            release(client, count);
            long dropped = refusals.tryAcquire();
            if (dropped >= 0) {
                LOG.warn(
                        "Client {} has {} pushes whose bodies are still arriving (http.maxSlowBodiesPerClient); "
                                + "refusing more with 429 until some finish ({} such lines suppressed before)",
                        client,
                        perClient,
                        dropped);
            }
            HttpServletResponse response = (HttpServletResponse) res;
            response.setStatus(429);
            response.setHeader("Retry-After", "1");
            response.setHeader("Connection", "close");
            response.setContentType("text/plain");
            response.getWriter().println("too many slow pushes under way from this client; retry later");
            return;
        }
        try {
            chain.doFilter(req, res);
        } finally {
            release(client, count);
        }
    }

    /** Whether the whole body is at the server already (none, or every byte of its announced length). */
    private static boolean arrived(HttpServletRequest request) throws IOException {
        long length = request.getContentLengthLong();
        return length == 0 || length > 0 && request.getInputStream().available() >= length;
    }

    private void release(String client, AtomicInteger count) {
        if (count.decrementAndGet() == 0) {
            underWay.remove(client, count);
        }
    }
}
