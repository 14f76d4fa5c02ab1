package io.promstream.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * TLS for {@code rediss://}: the server certificate is checked against a trust store (or the JVM's default
 * one) and, unless hostname verification is off, must name the URI's host.
 */
record RedisTls(String trustStorePath, String trustStorePassword, String trustStoreType, boolean verifyHostname) {

    /** Whether {@code trustStorePath} is unset (the JVM's default trust store) or names a readable file. */
    static boolean isReadable(String trustStorePath) {
        if (trustStorePath == null || trustStorePath.isEmpty()) {
            return true;
        }
        try {
            Path path = Path.of(trustStorePath);
            return Files.isRegularFile(path) && Files.isReadable(path);
        } catch (RuntimeException e) {
            return false;
        }
    }

    void configure(DefaultJedisClientConfig.Builder client) {
        client.ssl(true);
        if (trustStorePath != null && !trustStorePath.isEmpty()) {
            client.sslSocketFactory(trustStoreSocketFactory());
        }
        SSLParameters parameters = new SSLParameters();
        // Jedis defaults to hostname verification only when given no parameters; say it explicitly either way
        parameters.setEndpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        client.sslParameters(parameters);
    }

    private SSLSocketFactory trustStoreSocketFactory() {
        char[] password =
                trustStorePassword == null || trustStorePassword.isEmpty() ? null : trustStorePassword.toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(trustStorePath))) {
            KeyStore store = KeyStore.getInstance(trustStoreType);
            store.load(in, password);
            if (store.size() == 0) {
                throw new IllegalStateException("redis.trustStorePath " + trustStorePath + " holds no certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot load redis.trustStorePath " + trustStorePath + " as a "
                            + trustStoreType
                            + " trust store (check redis.trustStoreType and redis.trustStorePassword): "
                            + e.getMessage(),
                    e);
        }
    }
}
