package io.promstream.tasks;

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

/**
 * The admin tasks answer only to {@code Authorization: Bearer <admin.token>}; anything else gets 401. The console's
 * actions ask the same question ({@link #accepts}).
 */
public final class AdminTokenFilter implements Filter {
    private final byte[] expected;

    public AdminTokenFilter(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (accepts(((HttpServletRequest) request).getHeader("Authorization"))) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse http = (HttpServletResponse) response;
        http.setStatus(401);
        http.setHeader("WWW-Authenticate", "Bearer realm=\"admin tasks\"");
        http.setContentType("text/plain");
        http.getWriter().println("admin tasks need Authorization: Bearer <admin.token>");
    }

    /** Whether an {@code Authorization} header carries the admin token (compared in constant time). */
    public boolean accepts(String authorization) {
        return authorization != null && MessageDigest.isEqual(expected, authorization.getBytes(StandardCharsets.UTF_8));
    }
}
