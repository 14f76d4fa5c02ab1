package io.promstream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Key stores for the gateway's https port, made with the JDK's {@code keytool} in a temporary directory (PKCS12,
 * password {@link #PASSWORD}): the server's self-signed EC key and certificate for 127.0.0.1 and localhost; a client
 * CA, its trust store, and a client key signed by it; and a self-signed client key no CA vouches for.
 */
public final class TestKeyStores implements AutoCloseable {
    public static final String PASSWORD = "test-keystore-pw";

    private final Path dir;

    private TestKeyStores(Path dir) {
        this.dir = dir;
    }

    public static TestKeyStores make() {
        Path dir;
        try {
            dir = Files.createTempDirectory("gateway-tls-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        TestKeyStores stores = new TestKeyStores(dir);
        stores.keytool(
                "-genkeypair",
                "-alias",
                "server",
                "-dname",
                "CN=prom-stream-gateway test server",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore",
                "server.p12");
        stores.keytool(
                "-genkeypair", "-alias", "ca", "-dname", "CN=test client CA", "-ext", "bc:c", "-keystore", "ca.p12");
        stores.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.crt");
        stores.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "client-ca.p12");
        stores.keytool("-genkeypair", "-alias", "client", "-dname", "CN=pusher", "-keystore", "client.p12");
        stores.keytool("-certreq", "-alias", "client", "-keystore", "client.p12", "-file", "client.csr");
        stores.keytool(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                "ca.p12",
                "-infile",
                "client.csr",
                "-outfile",
                "client.crt");
        stores.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.crt", "-keystore", "client.p12");
        stores.keytool("-importcert", "-alias", "client", "-file", "client.crt", "-keystore", "client.p12");
        stores.keytool("-genkeypair", "-alias", "rogue", "-dname", "CN=rogue pusher", "-keystore", "rogue.p12");
        return stores;
    }

    /** The server's key and self-signed certificate (for {@code tls.keyStorePath}). */
    public Path serverKeyStore() {
        return dir.resolve("server.p12");
    }

    /** The client CA's certificate only (for {@code tls.trustStorePath}). */
    public Path clientCaTrustStore() {
        return dir.resolve("client-ca.p12");
    }

    /** A TLS context trusting the server's certificate and presenting no client certificate. */
    public SSLContext noClientCertificate() {
        return context(null);
    }

    /** A TLS context trusting the server and presenting the client certificate the client CA signed. */
    public SSLContext clientCertificate() {
        return context("client.p12");
    }

    /**
     * A TLS context trusting the server and presenting a self-signed client certificate, whichever CAs the server
     * names (a plain key manager would offer none then).
     */
    public SSLContext rogueCertificate() {
        return context("rogue.p12");
    }

    private SSLContext context(String clientKeyStore) {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("server", load("server.p12").getCertificate("server"));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            KeyManager[] offered = null;
            if (clientKeyStore != null) {
                keys.init(load(clientKeyStore), PASSWORD.toCharArray());
                offered = keys.getKeyManagers();
                if (clientKeyStore.equals("rogue.p12")) {
                    offered = new KeyManager[] {new AlwaysOffered((X509ExtendedKeyManager) offered[0], "rogue")};
                }
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(offered, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Offers the key of {@code alias} to any server that asks for a client certificate. */
    private static final class AlwaysOffered extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final String alias;

        AlwaysOffered(X509ExtendedKeyManager keys, String alias) {
            this.keys = keys;
            this.alias = alias;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return alias;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return alias;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private KeyStore load(String file) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if ("-genkeypair".equals(args[0])) {
            command.addAll(List.of("-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"));
        }
        ToolRun.run(dir, "keytool", command);
    }

    @Override
    public void close() {
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
        dir.toFile().delete();
    }
}
