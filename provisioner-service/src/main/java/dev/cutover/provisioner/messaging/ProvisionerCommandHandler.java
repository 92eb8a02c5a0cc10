package dev.cutover.provisioner.messaging;

import dev.cutover.events.InvalidMessageException;
import dev.cutover.events.ProvisionerCommand;
import dev.cutover.events.ProvisionerEvent;
import dev.cutover.events.kafka.IncomingRecords;
import dev.cutover.events.kafka.TargetLanes;
import dev.cutover.provisioner.plan.PlanningService;
import dev.cutover.provisioner.provisioning.ProvisioningService;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Consumes cutover.provisioner.commands. Starting an instance can take seconds, so each command runs in its
 * target's lane (ordered per target, parallel across targets) and the record is acked when it is done; the
 * throttled commit strategy only commits offsets below the oldest unfinished record, so nothing is lost on
 * a crash (commands are idempotent). Invalid records are nacked: they go to the dead-letter topic.
 *
 * <p><b>The provisioner's durable-work rule</b> (issue 10): a command is acknowledged only after it is answered,
 * i.e. after its side effects are on record in the target's state file ({@code SlotRegistry}: an instance's pid as
 * soon as its process exists, before it is waited for) and its answer is recorded there under the command's
 * messageId and published (acks=all). The state file is the provisioner's work log: a command whose record was not
 * acked when the provisioner died is delivered again (to it after a restart, or to the replica that got the target's
 * partition), which reads the target's file first, answers a command it already answered with the recorded answer
 * (no second instance, no weights moved back, no second stop), adopts an instance that was spawned and is whole, and
 * stops one that was left half-started before starting it again. So no separate work topic is needed.</p>
 * Infrastructure plans and applies (PlanInfrastructure, ApplyInfrastructure) go to the PlanningService in the same
 * lane, so a target's apply never runs beside its slot commands; the slot commands go to the ProvisioningService.
 */
@ApplicationScoped
public class ProvisionerCommandHandler {

    private static final Logger LOG = Logger.getLogger(ProvisionerCommandHandler.class);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    @Inject
    ProvisioningService service;

    @Inject
    PlanningService planning;

    @Inject
    ProvisionerPublisher publisher;

    private final TargetLanes lanes = new TargetLanes("provisioner-lane");

    @PreDestroy
    void close() {
        // in-flight work is abandoned, never the processes it started: they are on record in the registry
        lanes.close();
    }

    @Incoming("provisioner-commands")
    public CompletionStage<Void> handle(Message<byte[]> record) {
        Optional<ProvisionerCommand> decoded;
        try {
            decoded = IncomingRecords.decode(record, ProvisionerCommand.class);
        } catch (InvalidMessageException e) {
            LOG.warnf("Invalid record on cutover.provisioner.commands: %s", e.getMessage());
            return record.nack(e);
        }
        if (decoded.isEmpty()) {
            return record.ack();
        }
        ProvisionerCommand command = decoded.get();
        lanes.submit(command.target().key(), () -> publisher.publishAndWait(answer(command), ACK_TIMEOUT))
                .whenComplete((v, e) -> {
                    if (e == null) {
                        record.ack();
                    } else {
                        LOG.errorf("Command %s for %s not answered: %s", command.getClass().getSimpleName(),
                                command.target(), e);
                        record.nack(e);
                    }
                });
        return CompletableFuture.completedFuture(null);
    }

    private ProvisionerEvent answer(ProvisionerCommand command) {
        return PlanningService.handles(command) ? planning.handle(command) : service.handle(command);
    }
}
