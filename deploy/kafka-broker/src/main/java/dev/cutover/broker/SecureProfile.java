package dev.cutover.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's secure profile ({@code --secure}): one SASL_SSL listener for clients (SCRAM-SHA-512), TLS from a
 * keystore generated on first start, {@code StandardAuthorizer} denying whatever no ACL allows, and the principals
 * and ACLs of {@link ServiceAcls}.
 * <p>
 * Everything it generates lives in the secrets directory (mode 700, every file 600), created on first start and
 * reused afterwards:
 * <ul>
 *   <li>{@value #PASSWORDS}: the SCRAM password of {@value ServiceAcls#ADMIN} and of every principal, and the
 *       keystore password (a principal added later gets a password on the next start);</li>
 *   <li>{@value #KEYSTORE}: the broker's key and self-signed certificate (EC P-256, SAN {@code localhost},
 *       {@code 127.0.0.1}), made with the JDK's {@code keytool};</li>
 *   <li>{@value #TRUSTSTORE}: that certificate (PEM), which clients trust;</li>
 *   <li>{@code client-<principal>.properties}: Kafka client settings ({@code security.protocol}, {@code sasl.*},
 *       {@code ssl.truststore.*}) for {@code --command-config} or any Kafka client;</li>
 *   <li>{@code quarkus-<principal>.properties}: the same as {@code kafka.*} keys, for a Quarkus service
 *       ({@code QUARKUS_CONFIG_LOCATIONS=<file>}).</li>
 * </ul>
 * Passwords are never logged nor passed on a command line (keytool reads them from its environment).
 */
final class SecureProfile {

    static final String PASSWORDS = "passwords.properties";
    static final String KEYSTORE = "broker-keystore.p12";
    static final String TRUSTSTORE = "truststore.pem";
    static final String MECHANISM = "SCRAM-SHA-512";
    static final int SCRAM_ITERATIONS = 8192;
    static final String CLIENT_LISTENER = "SASL_SSL";
    private static final String KEYSTORE_PASSWORD_KEY = "keystore";
    private static final String KEYTOOL_PASSWORD_ENV = "CUTOVER_KAFKA_KEYSTORE_PASSWORD";

    private static final Logger LOG = LoggerFactory.getLogger(SecureProfile.class);
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;
    private final Properties passwords;

    private SecureProfile(Path dir, Properties passwords) {
        this.dir = dir;
        this.passwords = passwords;
    }

    /** The secrets directory when {@code --secrets-dir} is not given. */
    static Path defaultDir() {
        return Paths.get(System.getProperty("user.home"), ".cutover", "kafka-secrets");
    }

    /** Creates (first start) or reads the secrets directory: passwords, keystore, truststore, client settings. */
    static SecureProfile prepare(Path dir) throws IOException, InterruptedException {
        dir = dir.toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        }
        Files.setPosixFilePermissions(dir, OWNER_DIR);

        Path file = dir.resolve(PASSWORDS);
        Properties passwords = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                passwords.load(r);
            }
        }
        boolean changed = false;
        List<String> names = new ArrayList<>(List.of(ServiceAcls.ADMIN, KEYSTORE_PASSWORD_KEY));
        ServiceAcls.principals().forEach(p -> names.add(p.name()));
        for (String name : names) {
            if (passwords.getProperty(name) == null) {
                passwords.setProperty(name, newPassword());
                changed = true;
            }
        }
        if (changed) {
            StringBuilder text = new StringBuilder("# SCRAM-SHA-512 passwords of the Cutover broker's principals,"
                    + " and its keystore password. Keep private.\n");
            for (String name : names) {
                text.append(name).append('=').append(passwords.getProperty(name)).append('\n');
            }
            writeOwnerOnly(file, text.toString());
        }
        SecureProfile profile = new SecureProfile(dir, passwords);
        if (!Files.exists(dir.resolve(KEYSTORE)) || !Files.exists(dir.resolve(TRUSTSTORE))) {
            profile.generateKeystore();
        }
        for (String name : names) {
            if (!name.equals(KEYSTORE_PASSWORD_KEY)) {
                profile.writeClientFiles(name);
            }
        }
        return profile;
    }

    Path dir() {
        return dir;
    }

    /** The broker settings of the secure profile (listeners, TLS, SASL, authorizer). */
    void configure(Properties p, String host, int port, int controllerPort) {
        String admin = password(ServiceAcls.ADMIN);
        p.put("listeners", CLIENT_LISTENER + "://" + host + ":" + port + ",CONTROLLER://" + host + ":"
                + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://" + host + ":" + port);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":SASL_SSL,CONTROLLER:SASL_SSL");
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        // clients and the broker itself: SCRAM-SHA-512 (credentials in the metadata log)
        p.put("sasl.enabled.mechanisms", MECHANISM);
        p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scramJaas(ServiceAcls.ADMIN, admin));
        // the controller cannot use SCRAM (its credentials live in the log it serves): PLAIN, one static user
        p.put("sasl.mechanism.controller.protocol", "PLAIN");
        p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
        p.put("listener.name.controller.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + ServiceAcls.ADMIN
                        + "\" password=\"" + admin + "\" user_" + ServiceAcls.ADMIN + "=\"" + admin + "\";");
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", dir.resolve(KEYSTORE).toString());
        p.put("ssl.keystore.password", password(KEYSTORE_PASSWORD_KEY));
        p.put("ssl.key.password", password(KEYSTORE_PASSWORD_KEY));
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", dir.resolve(TRUSTSTORE).toString());
        p.put("ssl.client.auth", "none");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("allow.everyone.if.no.acl.found", "false");
        p.put("super.users", "User:" + ServiceAcls.ADMIN);
        // every topic of the contract is created at start; nobody else creates one by producing to it
        p.put("auto.create.topics.enable", "false");
    }

    /** {@code kafka-storage format --add-scram} for the super user, so that the broker can log in to itself. */
    List<String> formatScramArguments() {
        return List.of(MECHANISM + "=[name=" + ServiceAcls.ADMIN + ",password=" + password(ServiceAcls.ADMIN)
                + ",iterations=" + SCRAM_ITERATIONS + "]");
    }

    /** Admin client settings: the super user on the client listener. */
    Map<String, Object> adminClientConfig() {
        Map<String, Object> c = new LinkedHashMap<>();
        clientSettings(ServiceAcls.ADMIN).forEach((k, v) -> c.put((String) k, v));
        return c;
    }

    /**
     * After start, as the super user: the principals' SCRAM credentials (upserted, so a kept data dir gets
     * passwords added since), the ACLs of {@link ServiceAcls}, and the contract's topics.
     */
    void provision(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        List<UserScramCredentialAlteration> users = new ArrayList<>();
        for (ServiceAcls.Principal p : ServiceAcls.principals()) {
            users.add(new UserScramCredentialUpsertion(p.name(),
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password(p.name())));
        }
        admin.alterUserScramCredentials(users).all().get(30, TimeUnit.SECONDS);
        admin.createAcls(ServiceAcls.bindings()).all().get(30, TimeUnit.SECONDS);
        List<NewTopic> topics = new ArrayList<>();
        for (String t : ServiceAcls.contractTopics()) {
            topics.add(new NewTopic(t, 1, (short) 1));
        }
        admin.createTopics(topics).values().forEach((name, f) -> {
            try {
                f.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name, e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted creating " + name, e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out creating " + name, e);
            }
        });
        LOG.info("Secure profile: {} principals, {} ACLs, {} topics; client settings in {}",
                ServiceAcls.principals().size(), ServiceAcls.bindings().size(), topics.size(), dir);
    }

    private String password(String name) {
        String p = passwords.getProperty(name);
        if (p == null) {
            throw new IllegalStateException("no password for " + name + " in " + dir.resolve(PASSWORDS));
        }
        return p;
    }

    private Properties clientSettings(String name) {
        Properties c = new Properties();
        c.put("security.protocol", "SASL_SSL");
        c.put("sasl.mechanism", MECHANISM);
        c.put("sasl.jaas.config", scramJaas(name, password(name)));
        c.put("ssl.truststore.type", "PEM");
        c.put("ssl.truststore.location", dir.resolve(TRUSTSTORE).toString());
        return c;
    }

    private void writeClientFiles(String name) throws IOException {
        Properties c = clientSettings(name);
        StringBuilder kafka = new StringBuilder("# Kafka client settings of User:" + name
                + " on the Cutover secure broker (add bootstrap.servers).\n");
        StringBuilder quarkus = new StringBuilder("# Quarkus settings of User:" + name
                + " on the Cutover secure broker: QUARKUS_CONFIG_LOCATIONS=<this file> (add kafka.bootstrap.servers).\n");
        for (String key : List.of("security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.type",
                "ssl.truststore.location")) {
            String value = escape(c.getProperty(key));
            kafka.append(key).append('=').append(value).append('\n');
            quarkus.append("kafka.").append(key).append('=').append(value).append('\n');
        }
        writeOwnerOnly(dir.resolve("client-" + name + ".properties"), kafka.toString());
        writeOwnerOnly(dir.resolve("quarkus-" + name + ".properties"), quarkus.toString());
    }

    private void generateKeystore() throws IOException, InterruptedException {
        Path keystore = dir.resolve(KEYSTORE);
        Path truststore = dir.resolve(TRUSTSTORE);
        Files.deleteIfExists(keystore);
        Files.deleteIfExists(truststore);
        long t0 = System.nanoTime();
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                "-sigalg", "SHA256withECDSA", "-validity", "825", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass:env", KEYTOOL_PASSWORD_ENV, "-keypass:env", KEYTOOL_PASSWORD_ENV);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass:env", KEYTOOL_PASSWORD_ENV, "-file", truststore.toString());
        Files.setPosixFilePermissions(keystore, OWNER_FILE);
        Files.setPosixFilePermissions(truststore, OWNER_FILE);
        LOG.info("Generated the broker keystore and truststore in {} ({} ms)", dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(KEYTOOL_PASSWORD_ENV, password(KEYSTORE_PASSWORD_KEY));
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
        }
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** 24 random bytes, base64url: no character that needs quoting in JAAS, properties or SCRAM arguments. */
    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A value as a properties file reads it back (backslashes and leading spaces). */
    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    private static void writeOwnerOnly(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp, e);
        }
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            w.write(text);
        }
        try {
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
