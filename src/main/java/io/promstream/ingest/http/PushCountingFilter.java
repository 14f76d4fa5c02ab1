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

/**
 * Counts every answer of the push endpoints by endpoint and status code, whoever gave it: the resources, Jersey
 * (415 for a content type a resource does not take, 405, 500 for a bug) or the authentication filter (401).
 * Mapped to every path; {@link PushEndpoint#of} tells the pushes, whatever the spelling of their path.
 */
public final class PushCountingFilter implements Filter {
    private final Counter answered;

    /** @param answered a counter with the labels {@code endpoint} and {@code code} */
    public PushCountingFilter(Counter answered) {
        this.answered = answered;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        PushEndpoint which = PushEndpoint.of(request.getMethod(), request.getRequestURI());
        if (!which.isPush()) {
            chain.doFilter(req, res); // reads and other routes are not pushes
            return;
        }
        String endpoint = which.label();
        try {
            chain.doFilter(req, res);
        } catch (IOException | ServletException | RuntimeException e) {
            answered.labels(endpoint, "500").inc();
            throw e;
        }
        answered.labels(endpoint, Integer.toString(((HttpServletResponse) res).getStatus()))
                .inc();
    }
}
