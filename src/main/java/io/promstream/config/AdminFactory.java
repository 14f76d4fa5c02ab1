package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.promstream.tasks.AdminTokenFilter;
import jakarta.servlet.DispatcherType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code admin} section (docs/configuration.md): who may run the admin tasks. The admin connector listens on
 * 127.0.0.1 unless {@code GATEWAY_ADMIN_HOST} (its {@code bindHost}) says otherwise; bound beyond loopback, the
 * tasks ({@code reset-series} can remove every series) need {@code admin.token} as a bearer token, and a start
 * without one is refused. A token, once set, is needed on loopback too.
 */
public class AdminFactory {
    private static final Logger LOG = LoggerFactory.getLogger(AdminFactory.class);

    @JsonProperty
    private String token = "";

    /** The admin token, or an empty one when none is configured (the console's actions are then refused). */
    public String token() {
        return token == null ? "" : token;
    }

    /**
     * Guards the tasks of the admin connector of {@code server}.
     *
     * @throws IllegalStateException when the admin connector is bound beyond loopback without a token
     */
    public void secure(ServerFactory server, Environment environment) {
        String host = adminHost(server);
        boolean open = !isLoopback(host);
        boolean hasToken = token != null && !token.isBlank();
        if (open && !hasToken) {
            throw new IllegalStateException("The admin port is bound to " + (host == null ? "every interface" : host)
                    + " and its tasks (reset-series removes every series) would be open to anyone who reaches it: "
                    + "set admin.token (env ADMIN_TOKEN), or bind it to 127.0.0.1 (unset GATEWAY_ADMIN_HOST)");
        }
        if (hasToken) {
            environment
                    .admin()
                    .addFilter("admin-token", new AdminTokenFilter(token))
                    .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/tasks/*");
        }
        if (open) {
            LOG.info(
                    "The admin port listens on {}: its tasks need the admin token (Authorization: Bearer ...)",
                    host == null ? "every interface" : host);
        }
    }

    /** The admin connector's bind host ({@code null}: every interface), or 127.0.0.1 for an unknown layout. */
    static String adminHost(ServerFactory server) {
        if (server instanceof DefaultServerFactory factory
                && !factory.getAdminConnectors().isEmpty()) {
            ConnectorFactory connector = factory.getAdminConnectors().get(0);
            if (connector instanceof HttpConnectorFactory http) {
                String host = http.getBindHost();
                return host == null || host.isBlank() ? null : host;
            }
        }
        return "127.0.0.1";
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
