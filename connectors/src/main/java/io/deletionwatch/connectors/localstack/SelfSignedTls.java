package io.deletionwatch.connectors.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate (by default for {@code localhost} and {@code 127.0.0.1}) in a
 * PKCS12 keystore, and a PKCS12 truststore holding just that certificate for clients; {@link
 * #writePem} exports both as PEM for clients that read PEM (a CA file).
 *
 * <p>The JDK has no public API to sign a certificate, so {@code keytool} makes the key pair; the
 * truststore is written with {@link KeyStore}, which saves two more JVM starts.
 */
record SelfSignedTls(
        Path keystore,
        String keystorePassword,
        Path truststore,
        String truststorePassword,
        String subjectAltNames) {
    private static final String ALIAS = "localhost";
    private static final String LOCAL_NAMES = "dns:localhost,ip:127.0.0.1";

    /** Picks the files and random passwords; {@link #create()} makes the stores. */
    static SelfSignedTls plan(Path dir) {
        return new SelfSignedTls(
                dir.resolve("broker-keystore.p12"),
                randomPassword(),
                dir.resolve("client-truststore.p12"),
                randomPassword(),
                LOCAL_NAMES);
    }

    /**
     * As {@link #plan(Path)}, with files named after {@code name} and a certificate valid for
     * {@code subjectAltNames} (keytool's form, e.g. {@code dns:es.example.com,ip:10.0.0.1}).
     */
    static SelfSignedTls plan(Path dir, String name, String subjectAltNames) {
        return new SelfSignedTls(
                dir.resolve(name + "-keystore.p12"),
                randomPassword(),
                dir.resolve(name + "-truststore.p12"),
                randomPassword(),
                subjectAltNames);
    }

    /** Writes the keystore and the truststore, replacing older ones. */
    void create() throws IOException {
        Path dir = keystore.getParent();
        Files.createDirectories(dir);
        Files.deleteIfExists(keystore);
        Files.deleteIfExists(truststore);
        Path log = dir.resolve("keytool.log");
        List<String> command =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                        "-genkeypair",
                        "-alias",
                        ALIAS,
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-sigalg",
                        "SHA256withECDSA",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=" + subjectAltNames,
                        "-validity",
                        "3650",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        // the password goes through the environment, not the command line
                        "-storepass:env",
                        "KEYSTORE_PASSWORD",
                        "-keypass:env",
                        "KEYSTORE_PASSWORD");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("KEYSTORE_PASSWORD", keystorePassword));
        Process keytool = builder.start();
        try {
            if (!keytool.waitFor(2, TimeUnit.MINUTES) || keytool.exitValue() != 0) {
                keytool.destroyForcibly();
                throw new IOException(
                        "keytool could not make the broker certificate: "
                                + MavenArtifacts.tail(log, 10));
            }
        } catch (InterruptedException e) {
            keytool.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the broker certificate", e);
        }
        try {
            KeyStore server = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                server.load(in, keystorePassword.toCharArray());
            }
            Certificate certificate = server.getCertificate(ALIAS);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, certificate);
            try (OutputStream out = Files.newOutputStream(truststore)) {
                trust.store(out, truststorePassword.toCharArray());
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the client truststore", e);
        }
    }

    /**
     * Writes the certificate and its private key (PKCS#8) as PEM files, as TLS servers and clients
     * outside Java read them.
     */
    void writePem(Path certificateFile, Path privateKeyFile) throws IOException {
        try {
            KeyStore server = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                server.load(in, keystorePassword.toCharArray());
            }
            Files.writeString(
                    certificateFile, pem("CERTIFICATE", server.getCertificate(ALIAS).getEncoded()));
            Files.writeString(
                    privateKeyFile,
                    pem(
                            "PRIVATE KEY",
                            server.getKey(ALIAS, keystorePassword.toCharArray()).getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot export the certificate of " + keystore + " as PEM", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }

    private static String randomPassword() {
        SecureRandom random = new SecureRandom();
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder password = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    @Override
    public String toString() {
        return "SelfSignedTls[keystore=" + keystore + ", truststore=" + truststore + "]";
    }
}
