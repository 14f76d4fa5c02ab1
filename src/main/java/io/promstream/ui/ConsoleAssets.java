package io.promstream.ui;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code GET /ui/} and its files: the console's page, script, style sheet and icon, read from the jar once and
 * served with a content security policy that lets the page load nothing but these files and talk to nothing but
 * this gateway (no inline script, no framing, no CDN).
 */
@Path("/ui")
public class ConsoleAssets {
    /** What the page may load and run; data is shown with textContent only, and this backs that up. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "icon.svg", "image/svg+xml");

    private final Map<String, byte[]> files = new HashMap<>();

    public ConsoleAssets() {
        for (String name : TYPES.keySet()) {
            try (InputStream in = ConsoleAssets.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("the console's " + name + " is missing from the jar");
                }
                files.put(name, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The page; {@code /ui} is sent to {@code /ui/} so that the page's relative links resolve under it. */
    @GET
    public Response page(@Context UriInfo uri) {
        if (!uri.getRequestUri().getPath().endsWith("/")) {
            return Response.status(Response.Status.MOVED_PERMANENTLY)
                    .location(URI.create(uri.getRequestUri().getPath() + "/"))
                    .build();
        }
        return file("index.html");
    }

    @GET
    @Path("{file}")
    public Response asset(@PathParam("file") String name) {
        return file(name);
    }

    private Response file(String name) {
        byte[] body = files.get(name);
        if (body == null) {
            throw new NotFoundException();
        }
        return Response.ok(body, TYPES.get(name))
                .header("Content-Security-Policy", POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache")
                .build();
    }
}
