package dev.cutover.config.messaging;

import dev.cutover.config.resolve.ConfigResolver;
import dev.cutover.config.resolve.Resolution;
import dev.cutover.events.ConfigCommand.ResolveConfig;
import dev.cutover.events.ConfigEvent;
import dev.cutover.events.Meta;
import dev.cutover.events.kafka.IncomingRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Answers {@link ResolveConfig} with ConfigResolved or ConfigRejected. Resolution is a pure function of the
 * files and the command, so a redelivered command just yields an equal answer (same hash) again.
 */
@ApplicationScoped
public class ResolveConfigHandler {

    private static final Logger LOG = Logger.getLogger(ResolveConfigHandler.class);

    private final ConfigResolver resolver;
    private final ConfigEventPublisher publisher;
    private final MeterRegistry registry;

    @Inject
    ResolveConfigHandler(ConfigResolver resolver, ConfigEventPublisher publisher, MeterRegistry registry) {
        this.resolver = resolver;
        this.publisher = publisher;
        this.registry = registry;
    }

    @Incoming("config-commands")
    @Blocking(ordered = true)
    public void handle(ConsumerRecord<String, byte[]> record) {
        IncomingRecords.decode(record, ResolveConfig.class).ifPresent(this::answer);
    }

    private void answer(ResolveConfig command) {
        String environment = command.target().environment();
        Resolution resolution = resolver.resolve(command.target().application(), environment, command.overrides());
        Meta meta = Meta.causedBy(command.meta());
        ConfigEvent answer;
        String outcome;
        if (resolution instanceof Resolution.Resolved resolved) {
            answer = new ConfigEvent.ConfigResolved(meta, command.target(), resolved.configHash(), resolved.config(),
                    resolved.provenance());
            outcome = "resolved";
            LOG.infof("Resolved config for deployment %s target %s: %s", command.meta().deploymentId(),
                    command.target(), resolved.configHash());
        } else {
            Resolution.Rejected rejected = (Resolution.Rejected) resolution;
            answer = new ConfigEvent.ConfigRejected(meta, command.target(), rejected.reason());
            outcome = rejected.kind().label();
            LOG.infof("Rejected config for deployment %s target %s: %s", command.meta().deploymentId(),
                    command.target(), rejected.reason());
        }
        // wait for the ack: an answer lost to a broker failure must not commit the command's offset
        publisher.publish(answer).toCompletableFuture().join();
        registry.counter("cutover.config.resolutions", "outcome", outcome,
                "environment", "unknown-environment".equals(outcome) ? "unknown" : environment).increment();
    }
}
