package io.promstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.promstream.GatewayConfiguration;
import io.promstream.testing.GatewayClient;
import io.promstream.testing.RedisServerExtension;
import io.promstream.testing.TestGateways;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
import org.glassfish.jersey.server.model.Resource;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Credentials hold on every route the application port answers, whatever the spelling of its path (issue 19,
 * finding 3): the routes are read from the running server (Jersey's resource model and the servlet mappings), not
 * from a list here, and each is asked in many spellings and with every writing method, and with a
 * method-override header, without credentials. Every write is refused (401, counted) and nothing is stored;
 * reads stay open, or, with {@code http.protectScrape}, only the probes do.
 */
class AuthEveryRouteIntegrationTest {
    static final String TOKEN = "route-t0ken";
    private static final String[] WRITES = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"};

    /** Every path template the running app answers on its application port: Jersey's and the servlets'. */
    static Set<String> routes(DropwizardAppExtension<GatewayConfiguration> app) {
        Set<String> routes = new LinkedHashSet<>();
        List<Object> components = new ArrayList<>(
                app.getEnvironment().jersey().getResourceConfig().getInstances());
        components.addAll(app.getEnvironment().jersey().getResourceConfig().getClasses());
        for (Object component : components) {
            Class<?> type = component instanceof Class<?> c ? c : component.getClass();
            if (Resource.isAcceptable(type) && type.isAnnotationPresent(Path.class)) {
                collect(Resource.from(type), "", routes);
            }
        }
        ServletMapping[] mappings =
                app.getEnvironment().getApplicationContext().getServletHandler().getServletMappings();
        for (ServletMapping mapping : mappings) {
            for (String spec : mapping.getPathSpecs()) {
                if (!spec.startsWith("/*") || spec.equals("/*")) { // Jersey's own mapping is "/*"
                    routes.add(spec.equals("/*") ? "/" : spec);
                }
            }
        }
        return routes;
    }

    private static void collect(Resource resource, String parent, Set<String> routes) {
        String path = join(parent, resource.getPath());
        if (!resource.getResourceMethods().isEmpty()) {
            routes.add(path);
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, routes);
        }
    }

    private static String join(String parent, String path) {
        String joined = (parent + "/" + (path == null ? "" : path)).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** A concrete path for a template: wildcards and parameters filled in with a job path. */
    static String concrete(String template) {
        String path = template.replaceAll("\\{[^}]*}", "job").replace("/*", "/job/auth");
        return path.startsWith("/") ? path : "/" + path;
    }

    /** The spellings the router takes as the same path. */
    static List<String> spellings(String path) {
        List<String> out = new ArrayList<>();
        out.add(path);
        out.add(path + "/");
        out.add(path + ";x=1");
        out.add(path + "/;x=1");
        out.add("/" + path);
        out.add(path.replaceFirst("/([^/]*)$", "//$1"));
        int letter = path.lastIndexOf('/') + 1;
        if (letter < path.length()) {
            char c = path.charAt(letter);
            out.add(path.substring(0, letter) + String.format("%%%02X", (int) c) + path.substring(letter + 1));
        }
        String first = path.length() > 1 ? path.substring(1).split("/")[0] : "";
        if (!first.isEmpty()) {
            out.add(path.replaceFirst("^/" + first, "/" + first + ";a=b"));
        }
        return out;
    }

    static HttpResponse<String> send(GatewayClient client, String method, String path, String override) {
        boolean json = path.contains("api");
        String body = json ? "{\"type\":\"counter\",\"name\":\"auth_bypass\",\"value\":1}" : "auth_bypass 1\n";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.appPort() + path))
                .header("Content-Type", json ? "application/json" : "text/plain");
        if (override != null) {
            request.header("X-HTTP-Method-Override", override);
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        request.method(method, read ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(request.build());
    }

    /** Whether the server refuses the path as a URI (400) even to a read with credentials. */
    static boolean refusedWhateverTheCredentials(GatewayClient client, String path) {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.appPort() + path))
                                .header("Authorization", "Bearer " + TOKEN)
                                .GET()
                                .build())
                        .statusCode()
                == 400;
    }

    static GatewayClient client(DropwizardAppExtension<GatewayConfiguration> app) {
        return new GatewayClient(app.getLocalPort(), app.getAdminPort());
    }

    private static String scrapeWithToken(GatewayClient client) {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.appPort() + "/metrics"))
                        .header("Authorization", "Bearer " + TOKEN)
                        .GET()
                        .build())
                .body();
    }

    private static double unauthorized(String exposition) {
        return GatewayClient.samples(exposition).entrySet().stream()
                .filter(e -> e.getKey().startsWith("prom_stream_gateway_http_unauthorized_total"))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    @RegisterExtension
    @Order(1)
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension
    @Order(2)
    static final DropwizardAppExtension<GatewayConfiguration> APP =
            TestGateways.extension(REDIS, ConfigOverride.config("http.bearerTokens", TOKEN));

    @Test
    void everyWriteOnEveryRouteInEverySpellingNeedsCredentials() {
        GatewayClient client = client(APP);
        Set<String> routes = routes(APP);
        assertThat(routes)
                .as("the routes read from the server")
                .contains(
                        "/api/metrics",
                        "/v1/metrics",
                        "/api/v1/admin/wipe",
                        "/metrics",
                        "/metrics/*",
                        "/replace/metrics/*",
                        "/api/status");
        double before = unauthorized(scrapeWithToken(client));
        List<String> passed = new ArrayList<>();
        int refused = 0;
        for (String route : routes) {
            for (String path : spellings(concrete(route))) {
                if (refusedWhateverTheCredentials(client, path)) {
                    continue; // Jetty refuses the spelling before any route (e.g. an empty segment): 400
                }
                for (String method : WRITES) {
                    int code = send(client, method, path, null).statusCode();
                    if (code != 401) {
                        passed.add(method + " " + path + " -> " + code);
                    } else {
                        refused++;
                    }
                }
                for (String override : new String[] {"POST", "PUT", "DELETE"}) {
                    int code = send(client, "GET", path, override).statusCode();
                    if (code != 401) {
                        passed.add("GET (as " + override + ") " + path + " -> " + code);
                    } else {
                        refused++;
                    }
                }
                int read = send(client, "GET", path, null).statusCode();
                if (read == 401) {
                    passed.add("GET " + path + " refused although reads are open");
                }
            }
        }
        assertThat(passed)
                .as("requests without credentials that were not refused")
                .isEmpty();
        String after = scrapeWithToken(client);
        assertThat(after).as("nothing stored without credentials").doesNotContain("auth_bypass");
        assertThat(unauthorized(after) - before).as("every refusal counted").isEqualTo(refused);
    }
}
