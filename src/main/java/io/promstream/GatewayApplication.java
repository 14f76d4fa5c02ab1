package io.promstream;

import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.promstream.config.DotNetEnvironment;
import java.time.InstantSource;
import org.slf4j.LoggerFactory;

/** The Dropwizard application: reads config.yml, and has {@link Gateway} assemble the stages. */
public class GatewayApplication extends Application<GatewayConfiguration> {
    private volatile Gateway gateway;

    public static void main(String[] args) throws Exception {
        new GatewayApplication().run(args);
    }

    @Override
    public String getName() {
        return "prom-stream-gateway";
    }

    private final DotNetEnvironment dotNet = new DotNetEnvironment(System::getenv);

    @Override
    public void initialize(Bootstrap<GatewayConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(substituting(bootstrap.getConfigurationSourceProvider(), dotNet));
    }

    /**
     * config.yml as read: {@code ${VAR:-default}} replaced from the environment (ours, or where ours is unset the
     * .NET gateway's, see {@link DotNetEnvironment}), strictly: an unset variable without a default stops the
     * start naming it, instead of becoming its own literal text (a bearer token {@code ${INGEST_TOKEN}}, say).
     */
    public static ConfigurationSourceProvider substituting(
            ConfigurationSourceProvider provider, DotNetEnvironment environment) {
        EnvironmentVariableSubstitutor substitutor = new EnvironmentVariableSubstitutor(true);
        substitutor.setVariableResolver(environment);
        return new SubstitutingSourceProvider(provider, substitutor);
    }

    /** The clock everything time-based reads; tests override it. */
    protected InstantSource clock() {
        return InstantSource.system();
    }

    @Override
    public void run(GatewayConfiguration config, Environment environment) {
        // SIGTERM stops the server, which stops the managed parts in reverse order of registration: workers
        // finish the batch in hand, then the store is saved, then Redis connections close, then logs flush
        environment.lifecycle().addEventListener(new StopAtShutdown());
        environment.lifecycle().manage(new LogFlushAtExit());
        if (!dotNet.used().isEmpty()) {
            LoggerFactory.getLogger(GatewayApplication.class)
                    .info(
                            "Configured from the .NET gateway's environment " + "variables {} (ours are unset)",
                            dotNet.used());
        }
        gateway = Gateway.assemble(config, environment, clock(), version());
    }

    /** The running gateway, once {@link #run} has assembled it. */
    public Gateway gateway() {
        return gateway;
    }

    private static String version() {
        String version = GatewayApplication.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }
}
