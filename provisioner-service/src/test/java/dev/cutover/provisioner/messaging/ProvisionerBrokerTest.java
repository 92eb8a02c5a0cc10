package dev.cutover.provisioner.messaging;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.Target;
import dev.cutover.events.Topics;
import dev.cutover.provisioner.TestProcesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/**
 * Base of the tests that drive the provisioner through Kafka: one {@link ProvisionerTopics} for the test class, which
 * also records the dead-letter topic of the commands; closed after the class's tests, which kills every process the
 * provisioner started for them.
 */
abstract class ProvisionerBrokerTest {

    static ProvisionerTopics provisioner;

    @BeforeAll
    static void openProvisionerTopics() {
        provisioner = new ProvisionerTopics(Topics.deadLetter(Topics.PROVISIONER_COMMANDS));
    }

    @AfterAll
    static void closeProvisionerTopics() {
        provisioner.close();
    }

    /**
     * A ProvisionSlot of the packaged sample app's {@code version} into {@code slot} of {@code target}, behind its
     * router on {@code routerPort}, without extra environment; {@code security} null leaves the router's as it is.
     */
    static ProvisionSlot sampleApp(Meta meta, Target target, String slot, String version, int routerPort,
                                   RouterSecurity security) {
        return new ProvisionSlot(meta, target, slot, version, "file:" + TestProcesses.sampleAppJar(), Map.of(),
                routerPort, security);
    }
}
