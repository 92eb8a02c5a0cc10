package dev.cutover.testing.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cutover.broker.ServiceAcls;
import dev.cutover.broker.ServiceAcls.Principal;
import dev.cutover.events.Topics;

/**
 * The launcher's secure profile on a real broker: SASL_SSL with SCRAM-SHA-512, {@code StandardAuthorizer} with
 * {@code allow.everyone.if.no.acl.found=false}, the principals and ACLs of {@link ServiceAcls}.
 */
class SecureBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaBroker broker;

    @BeforeAll
    static void startSecureBroker() {
        broker = KafkaBroker.startSecure(Paths.get("target", "kafka-secrets"));
    }

    @AfterAll
    static void stopSecureBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void eachServicePrincipalProducesAndConsumesExactlyItsTopicsWithItsGroup() throws Exception {
        for (Principal p : ServiceAcls.principals()) {
            String marker = p.name() + "-" + UUID.randomUUID();
            if (!p.creates().isEmpty()) {
                try (Admin admin = Admin.create(broker.clientConfig(p.name()))) {
                    for (String t : p.creates()) {
                        createIfMissing(admin, t);
                    }
                }
            }
            try (KafkaProducer<String, String> producer = producer(broker.clientConfig(p.name()))) {
                for (String t : p.writes()) {
                    producer.send(new ProducerRecord<>(t, marker, marker)).get(30, TimeUnit.SECONDS);
                }
            }
            if (p.reads().isEmpty()) {
                continue;
            }
            // what it reads was written by whoever may write there (the super user here)
            try (KafkaProducer<String, String> producer = producer(broker.clientConfig(ServiceAcls.ADMIN))) {
                for (String t : p.reads()) {
                    producer.send(new ProducerRecord<>(t, marker, marker)).get(30, TimeUnit.SECONDS);
                }
            }
            for (String group : p.groups()) {
                Set<String> seen = new HashSet<>();
                try (KafkaConsumer<String, String> consumer = consumer(broker.clientConfig(p.name()), group)) {
                    consumer.subscribe(p.reads());
                    long deadline = System.nanoTime() + WAIT.toNanos();
                    while (!seen.containsAll(p.reads()) && System.nanoTime() < deadline) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            if (marker.equals(r.key())) {
                                seen.add(r.topic());
                            }
                        }
                    }
                    consumer.commitSync(Duration.ofSeconds(30));
                }
                assertEquals(Set.copyOf(p.reads()), seen, p.name() + " consumed in " + group);
            }
        }
    }

    @Test
    void aPrincipalWithoutAclsCannotProduceRequestsNorConsume() throws Exception {
        String name = "intruder-" + UUID.randomUUID().toString().substring(0, 8);
        String password = UUID.randomUUID().toString();
        try (Admin admin = Admin.create(broker.clientConfig(ServiceAcls.ADMIN))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> intruder = withLogin(broker.clientConfig("ci"), name, password);

        for (boolean idempotent : List.of(true, false)) {
            Map<String, Object> config = new HashMap<>(intruder);
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, idempotent);
            assertInstanceOf(TopicAuthorizationException.class, produceFailure(config, Topics.DEPLOYMENT_REQUESTS),
                    "idempotent=" + idempotent);
        }
        try (KafkaConsumer<String, String> consumer = consumer(intruder, null)) {
            consumer.assign(List.of(new TopicPartition(Topics.DEPLOYMENT_REQUESTS, 0)));
            assertThrows(TopicAuthorizationException.class, () -> pollUntilFailure(consumer));
        }
        try (KafkaConsumer<String, String> consumer = consumer(intruder, "cutover-orchestrator")) {
            consumer.subscribe(List.of(Topics.DEPLOYMENT_REQUESTS));
            // refused the group or the topic, whichever the consumer asks for first
            assertThrows(AuthorizationException.class, () -> pollUntilFailure(consumer));
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        for (String name : List.of("ci", "orchestrator")) {
            Map<String, Object> config = withLogin(broker.clientConfig(name), name, "not-" + name + "-password");
            assertInstanceOf(AuthenticationException.class, produceFailure(config, Topics.DEPLOYMENT_REQUESTS));
            try (KafkaConsumer<String, String> consumer = consumer(config, "cutover-orchestrator")) {
                consumer.subscribe(List.of(Topics.DEPLOYMENT_REQUESTS));
                assertThrows(AuthenticationException.class, () -> pollUntilFailure(consumer));
            }
        }
    }

    @Test
    void aServiceCannotProduceToAnotherServicesTopicsNorJoinItsGroup() {
        List<String> commandTopics = List.of(Topics.CONFIG_COMMANDS, Topics.PROVISIONER_COMMANDS,
                Topics.HEALTH_MONITOR_COMMANDS, Topics.ROLLBACK_COMMANDS);
        int refusals = 0;
        for (Principal p : ServiceAcls.principals()) {
            List<String> forbidden = new ArrayList<>();
            Stream.concat(commandTopics.stream(), Stream.of(Topics.DEPLOYMENT_REQUESTS, Topics.DEPLOYMENT_EVENTS))
                    .filter(t -> !p.writes().contains(t)).forEach(forbidden::add);
            for (String t : forbidden) {
                assertInstanceOf(TopicAuthorizationException.class, produceFailure(broker.clientConfig(p.name()), t),
                        p.name() + " -> " + t);
                refusals++;
            }
            if (p.reads().isEmpty()) {
                continue;
            }
            String otherGroup = p.groups().contains("cutover-orchestrator") ? "cutover-rollback"
                    : "cutover-orchestrator";
            try (KafkaConsumer<String, String> consumer = consumer(broker.clientConfig(p.name()), otherGroup)) {
                consumer.subscribe(p.reads());
                assertThrows(GroupAuthorizationException.class, () -> pollUntilFailure(consumer), p.name());
            }
        }
        assertTrue(refusals >= 20, "refusals: " + refusals);
        // the CI principal may send requests, and read nothing
        try (KafkaConsumer<String, String> consumer = consumer(broker.clientConfig("ci"), null)) {
            consumer.assign(List.of(new TopicPartition(Topics.DEPLOYMENT_REQUESTS, 0)));
            assertThrows(TopicAuthorizationException.class, () -> pollUntilFailure(consumer));
        }
    }

    @Test
    void generatedSecretsAreOwnerOnlyAndNeverLogged() throws IOException {
        Path dir = broker.secretsDir();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                        f.toString());
            }
        }
        Properties passwords = new Properties();
        try (var r = Files.newBufferedReader(dir.resolve("passwords.properties"))) {
            passwords.load(r);
        }
        assertEquals(ServiceAcls.principals().size() + 2, passwords.size());
        String log = Files.readString(Paths.get("target", "kafka-broker.log"), StandardCharsets.UTF_8);
        for (String name : passwords.stringPropertyNames()) {
            String secret = passwords.getProperty(name);
            assertTrue(secret.length() >= 32, name);
            assertFalse(log.contains(secret), "the broker log holds the password of " + name);
        }
    }

    private static Map<String, Object> withLogin(Map<String, Object> config, String user, String password) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + user + "\" password=\"" + password + "\";");
        return c;
    }

    /** What a send to {@code topic} fails with (the cause of the future's failure, or what send threw). */
    private static Throwable produceFailure(Map<String, Object> config, String topic) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = producer(c)) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        return fail("the send to " + topic + " was accepted");
    }

    private static void pollUntilFailure(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200));
        }
        fail("the consumer was not refused");
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> config) {
        Map<String, Object> c = new HashMap<>(config);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(Map<String, Object> config, String group) {
        Map<String, Object> c = new HashMap<>(config);
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        return new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    }

    private static void createIfMissing(Admin admin, String topic) throws Exception {
        if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
