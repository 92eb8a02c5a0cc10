package dev.cutover.orchestrator.testing;

import dev.cutover.testing.kafka.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;

/** The one place that starts the real broker for every @QuarkusTest of this module. */
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
public final class SharedBroker {

    private SharedBroker() {
    }
}
