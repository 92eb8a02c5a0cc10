package dev.cutover.testing.kafka;

/**
 * Implemented by a {@code QuarkusTestProfile} whose tests run the service against the secure-profile broker
 * ({@link KafkaBroker#sharedSecure()}: SASL_SSL, SCRAM-SHA-512, ACLs) as one principal: {@link KafkaBrokerTestResource}
 * then gives the service that broker and the principal's {@code kafka.*} settings instead of the PLAINTEXT broker.
 * The profile class needs a no-argument constructor.
 */
public interface SecureKafkaProfile {

    /** The principal the service logs in as ({@code rollback}, {@code orchestrator}, ...; see ServiceAcls). */
    String kafkaPrincipal();
}
