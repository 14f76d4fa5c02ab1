package io.promstream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority and a server certificate signed by it, made with the {@code openssl} CLI in
 * a temporary directory, plus trust stores (PKCS12 and JKS) holding the CA. For redis-server's TLS port.
 */
public final class TestCertificates implements AutoCloseable {
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private final Path dir;
    private final String caName;
    private SSLSocketFactory socketFactory;

    private TestCertificates(Path dir, String caName) {
        this.dir = dir;
        this.caName = caName;
    }

    /** A CA and a server certificate for {@code IP:127.0.0.1} and {@code DNS:localhost}. */
    public static TestCertificates forLoopback() {
        return generate("IP:127.0.0.1,DNS:localhost");
    }

    /**
     * A CA and a server certificate whose subject alternative names are {@code subjectAltNames} (openssl syntax,
     * e.g. {@code DNS:redis.example}).
     */
    public static TestCertificates generate(String subjectAltNames) {
        Path dir;
        try {
            dir = Files.createTempDirectory("redis-tls-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String caName = "prom-stream-gateway test CA " + dir.getFileName();
        TestCertificates certs = new TestCertificates(dir, caName);
        certs.openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-sha256",
                "-days",
                "2",
                "-subj",
                "/CN=" + caName,
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign");
        certs.openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-sha256",
                "-subj",
                "/CN=redis-test-server",
                "-keyout",
                "server.key",
                "-out",
                "server.csr");
        certs.write(
                "server.ext",
                "subjectAltName=" + subjectAltNames + "\n"
                        + "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
        certs.openssl(
                "x509",
                "-req",
                "-sha256",
                "-days",
                "2",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-extfile",
                "server.ext");
        certs.writeTrustStore("PKCS12", "truststore.p12");
        certs.writeTrustStore("JKS", "truststore.jks");
        return certs;
    }

    public Path caCertificate() {
        return dir.resolve("ca.crt");
    }

    public Path serverCertificate() {
        return dir.resolve("server.crt");
    }

    public Path serverKey() {
        return dir.resolve("server.key");
    }

    /** The CA in a PKCS12 trust store, password {@link #TRUST_STORE_PASSWORD}. */
    public Path pkcs12TrustStore() {
        return dir.resolve("truststore.p12");
    }

    /** The CA in a JKS trust store, password {@link #TRUST_STORE_PASSWORD}. */
    public Path jksTrustStore() {
        return dir.resolve("truststore.jks");
    }

    /** redis-server arguments serving this certificate on {@code tlsPort} (clients need no certificate). */
    public List<String> redisArgs() {
        return List.of(
                "--tls-cert-file",
                serverCertificate().toString(),
                "--tls-key-file",
                serverKey().toString(),
                "--tls-ca-cert-file",
                caCertificate().toString(),
                "--tls-auth-clients",
                "no");
    }

    /** A socket factory trusting only this CA (for test clients). */
    public synchronized SSLSocketFactory socketFactory() {
        if (socketFactory != null) {
            return socketFactory;
        }
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore("PKCS12"));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            socketFactory = context.getSocketFactory();
            return socketFactory;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
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

    private KeyStore trustStore(String type) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(type);
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificate())) {
            Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
            store.setCertificateEntry("ca", ca);
        }
        return store;
    }

    private void writeTrustStore(String type, String file) {
        try (OutputStream out = Files.newOutputStream(dir.resolve(file))) {
            trustStore(type).store(out, TRUST_STORE_PASSWORD.toCharArray());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write the " + type + " trust store", e);
        }
    }

    private void write(String file, String text) {
        try {
            Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        ToolRun.run(dir, "openssl", command);
    }

    @Override
    public String toString() {
        return "TestCertificates[" + caName + "]";
    }
}
