package dev.cutover.provisioner.provisioning;

import dev.cutover.provisioner.slot.SlotRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/** Operations by type and outcome, instance start and stop times, running instances. */
public class ProvisionerMetrics {

    private final MeterRegistry registry;
    private final Timer start;
    private final Timer release;

    public ProvisionerMetrics(MeterRegistry registry, SlotRegistry slots) {
        this.registry = registry;
        this.start = Timer.builder("cutover.provisioner.instance.start")
                .description("From starting an instance to its port accepting connections").register(registry);
        this.release = Timer.builder("cutover.provisioner.instance.release")
                .description("From ReleaseSlot to the instance stopped (drain included)").register(registry);
        Gauge.builder("cutover.provisioner.instances.running", slots, SlotRegistry::instanceCount)
                .description("Instances in the slot registry").register(registry);
    }

    /** @param operation provision, shift or release; @param outcome success or failure */
    public void operation(String operation, String outcome) {
        Counter.builder("cutover.provisioner.operations").description("Provisioner commands handled")
                .tag("operation", operation).tag("outcome", outcome).register(registry).increment();
    }

    public void started(Duration took) {
        start.record(took);
    }

    public void released(Duration took) {
        release.record(took);
    }
}
