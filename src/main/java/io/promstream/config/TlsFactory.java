package io.promstream.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import io.dropwizard.validation.ValidationMethod;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tls} section (docs/operations.md, TLS on the application port): with {@code enabled}, every http
 * application connector becomes Dropwizard's https one, keeping its port, bind host and other settings, serving the
 * key store's certificate; {@code clientAuth} asks clients for a certificate signed by a CA of the trust store. The
 * admin connector stays plain http (on loopback by default). A setting that cannot work stops the start naming it.
 */
public class TlsFactory {
    /** Whether the TLS handshake asks for a client certificate: never, optionally, or always. */
    public enum ClientAuth {
        NONE,
        WANT,
        NEED
    }

    private boolean enabled;
    private String keyStorePath = "";
    private String keyStorePassword = "";

    @NotNull
    private String keyStoreType = "PKCS12";

    @NotNull
    private ClientAuth clientAuth = ClientAuth.NONE;

    private String trustStorePath = "";
    private String trustStorePassword = "";

    @NotNull
    private String trustStoreType = "PKCS12";

    @ValidationMethod(
            message = "tls.keyStorePath must be set when tls.enabled is true (env GATEWAY_TLS_KEYSTORE: a PKCS12 "
                    + "or JKS key store with the server's key and certificate)")
    public boolean isKeyStoreGivenWhenEnabled() {
        return !enabled || set(keyStorePath);
    }

    @ValidationMethod(
            message = "tls.keyStorePath or tls.clientAuth is set but tls.enabled is false: the application port "
                    + "would serve plain http; set tls.enabled (env GATEWAY_TLS=true) or unset them")
    public boolean isUnusedOnlyWhenDisabled() {
        return enabled || (!set(keyStorePath) && clientAuth == ClientAuth.NONE);
    }

    @ValidationMethod(message = "tls.keyStorePath names no readable file")
    public boolean isKeyStoreReadable() {
        return !set(keyStorePath) || RedisTls.isReadable(keyStorePath);
    }

    @ValidationMethod(
            message = "tls.keyStorePath cannot be opened as tls.keyStoreType with tls.keyStorePassword, or holds "
                    + "no private key")
    public boolean isKeyStoreLoadable() {
        return !enabled
                || !set(keyStorePath)
                || !RedisTls.isReadable(keyStorePath)
                || StoreFiles.holdsKey(keyStorePath, keyStoreType, keyStorePassword);
    }

    @ValidationMethod(
            message = "tls.trustStorePath must be set when tls.clientAuth is want or need (env GATEWAY_TLS_CLIENT_CA:"
                    + " the CAs whose client certificates are accepted)")
    public boolean isTrustStoreGivenForClientAuth() {
        return clientAuth == ClientAuth.NONE || set(trustStorePath);
    }

    @ValidationMethod(message = "tls.trustStorePath names no readable file")
    public boolean isTrustStoreReadable() {
        return !set(trustStorePath) || RedisTls.isReadable(trustStorePath);
    }

    @ValidationMethod(
            message = "tls.trustStorePath cannot be opened as tls.trustStoreType with tls.trustStorePassword, or "
                    + "holds no certificate")
    public boolean isTrustStoreLoadable() {
        return !set(trustStorePath)
                || !RedisTls.isReadable(trustStorePath)
                || StoreFiles.holdsCertificate(trustStorePath, trustStoreType, trustStorePassword);
    }

    /**
     * With {@code enabled}, replaces each plain http application connector of {@code server} by an https one with
     * the same settings; {@code mapper} copies them (Dropwizard's, which knows the connector types). Call before the
     * other settings of the connectors are changed, and before the server is built.
     */
    public void secure(ServerFactory server, ObjectMapper mapper) {
        if (!enabled) {
            return;
        }
        if (server instanceof DefaultServerFactory factory) {
            List<ConnectorFactory> connectors = new ArrayList<>();
            for (ConnectorFactory connector : factory.getApplicationConnectors()) {
                connectors.add(https(connector, mapper));
            }
            factory.setApplicationConnectors(connectors);
        } else if (server instanceof SimpleServerFactory factory) {
            factory.setConnector(https(factory.getConnector(), mapper));
        } else {
            throw new IllegalStateException("tls.enabled needs server.type default or simple");
        }
    }

    private ConnectorFactory https(ConnectorFactory connector, ObjectMapper mapper) {
        if (!(connector instanceof HttpConnectorFactory) || connector instanceof HttpsConnectorFactory) {
            return connector; // already https (configured by hand), or not http at all: left as written
        }
        ObjectNode settings = mapper.valueToTree(connector);
        settings.put("type", "https");
        HttpsConnectorFactory https = mapper.convertValue(settings, HttpsConnectorFactory.class);
        https.setKeyStorePath(keyStorePath);
        https.setKeyStorePassword(orNull(keyStorePassword));
        https.setKeyStoreType(keyStoreType);
        if (clientAuth != ClientAuth.NONE) {
            https.setTrustStorePath(trustStorePath);
            https.setTrustStorePassword(orNull(trustStorePassword));
            https.setTrustStoreType(trustStoreType);
            https.setNeedClientAuth(clientAuth == ClientAuth.NEED);
            https.setWantClientAuth(clientAuth == ClientAuth.WANT);
        }
        return https;
    }

    /** Whether a verified client certificate counts as credentials for pushes ({@code clientAuth} want or need). */
    public boolean clientCertificates() {
        return enabled && clientAuth != ClientAuth.NONE;
    }

    private static boolean set(String value) {
        return value != null && !value.isEmpty();
    }

    private static String orNull(String password) {
        return set(password) ? password : null;
    }

    @JsonProperty
    public boolean isEnabled() {
        return enabled;
    }

    @JsonProperty
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @JsonProperty
    public String getKeyStorePath() {
        return keyStorePath;
    }

    @JsonProperty
    public void setKeyStorePath(String keyStorePath) {
        this.keyStorePath = keyStorePath;
    }

    @JsonProperty
    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    @JsonProperty
    public String getKeyStoreType() {
        return keyStoreType;
    }

    @JsonProperty
    public void setKeyStoreType(String keyStoreType) {
        this.keyStoreType = keyStoreType;
    }

    @JsonProperty
    public ClientAuth getClientAuth() {
        return clientAuth;
    }

    @JsonProperty
    public void setClientAuth(ClientAuth clientAuth) {
        this.clientAuth = clientAuth;
    }

    @JsonProperty
    public String getTrustStorePath() {
        return trustStorePath;
    }

    @JsonProperty
    public void setTrustStorePath(String trustStorePath) {
        this.trustStorePath = trustStorePath;
    }

    @JsonProperty
    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }

    @JsonProperty
    public String getTrustStoreType() {
        return trustStoreType;
    }

    @JsonProperty
    public void setTrustStoreType(String trustStoreType) {
        this.trustStoreType = trustStoreType;
    }
}
