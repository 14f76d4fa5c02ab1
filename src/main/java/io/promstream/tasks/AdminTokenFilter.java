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

/** The admin tasks answer only to {@code Authorization: Bearer <admin.token>}; anything else gets 401. */
public final class AdminTokenFilter implements Filter {
    private final byte[] expected;

    public AdminTokenFilter(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String given = ((HttpServletRequest) request).getHeader("Authorization");
        if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        HttpServletResponse http = (HttpServletResponse) response;
        http.setStatus(401);
        http.setHeader("WWW-Authenticate", "Bearer realm=\"admin tasks\"");
        http.setContentType("text/plain");
        http.getWriter().println("admin tasks need Authorization: Bearer <admin.token>");
    }
}
