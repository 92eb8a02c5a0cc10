package dev.cutover.testing.kafka;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Quarkus test resource giving every {@code @QuarkusTest} of a module the same real Kafka broker
 * ({@link KafkaBroker#shared()}: Testcontainers where Docker exists, else the {@code deploy/kafka-broker} launcher
 * in a child JVM).
 * <p>
 * How a service uses it:
 * <ol>
 *   <li>test dependency {@code dev.cutover:cutover-kafka-test-resource} (version managed by the root pom); the
 *       service module must come after {@code deploy/kafka-broker} in the reactor, whose jar it runs;</li>
 *   <li>exactly <b>one</b> class in the module's tests (any test class, or an otherwise empty one) annotated
 *       <pre>
 * &#64;QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
 *       </pre>
 *       which makes it a global resource applied to all tests of the module (equivalent:
 *       {@code @WithTestResource(value = KafkaBrokerTestResource.class, scope = TestResourceScope.GLOBAL)};
 *       note that {@code @WithTestResource}'s default scope, {@code MATCHING_RESOURCES}, is <em>not</em> global);</li>
 *   <li>in {@code src/test/resources/application.properties} (or {@code %test.} keys):
 *       {@code quarkus.kafka.devservices.enabled=false} (or {@code quarkus.devservices.enabled=false}), otherwise
 *       Quarkus probes Docker for Kafka Dev Services at build time.</li>
 * </ol>
 * The resource sets {@code kafka.bootstrap.servers} and
 * {@code mp.messaging.connector.smallrye-kafka.bootstrap.servers}. For a test whose {@code QuarkusTestProfile}
 * implements {@link SecureKafkaProfile}, it points the service at the secure-profile broker
 * ({@link KafkaBroker#sharedSecure()}) instead, with the profile's principal's {@code kafka.security.protocol},
 * {@code kafka.sasl.*} and {@code kafka.ssl.truststore.*} settings. {@link #stop()} does nothing: the broker lives
 * until the test JVM exits (shutdown hook), so all test classes - and Quarkus restarts between them - share it.
 */
public class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    public static final String CONNECTOR_BOOTSTRAP_SERVERS = "mp.messaging.connector.smallrye-kafka.bootstrap.servers";

    private String securePrincipal;

    @Override
    public void setContext(Context context) {
        securePrincipal = null;
        String profile = context.testProfile();
        if (profile == null) {
            return;
        }
        Class<?> type;
        try {
            type = Class.forName(profile, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return; // not loadable here: not a secure profile, the PLAINTEXT broker as for every other test
        }
        if (SecureKafkaProfile.class.isAssignableFrom(type)) {
            try {
                securePrincipal = ((SecureKafkaProfile) type.getDeclaredConstructor().newInstance()).kafkaPrincipal();
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot read the Kafka principal of test profile " + profile, e);
            }
        }
    }

    @Override
    public Map<String, String> start() {
        if (securePrincipal != null) {
            KafkaBroker broker = KafkaBroker.sharedSecure();
            Map<String, String> config = new HashMap<>();
            broker.clientConfig(securePrincipal).forEach((k, v) -> {
                if (!k.equals("bootstrap.servers")) {
                    config.put("kafka." + k, String.valueOf(v));
                }
            });
            config.put(KAFKA_BOOTSTRAP_SERVERS, broker.bootstrapServers());
            config.put(CONNECTOR_BOOTSTRAP_SERVERS, broker.bootstrapServers());
            return config;
        }
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        return Map.of(KAFKA_BOOTSTRAP_SERVERS, bootstrap, CONNECTOR_BOOTSTRAP_SERVERS, bootstrap);
    }

    @Override
    public void stop() {
        // the shared broker is stopped by a JVM shutdown hook, so every test class of the module reuses it
    }
}
