package dev.cutover.provisioner.azure.plan;

import dev.cutover.azure.standin.ArmExtensions;
import dev.cutover.azure.standin.ArmStandIn;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** An ARM stand-in for a {@code @QuarkusTest}: the provisioner's Azure SDK clients are pointed at it, unauthenticated. */
public class ArmStandInResource implements QuarkusTestResourceLifecycleManager {

    static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000bb";
    static volatile ArmStandIn arm;

    @Override
    public Map<String, String> start() {
        arm = ArmStandIn.start();
        ArmExtensions.install(arm);
        return Map.of("cutover.provisioner.azure.resource-manager-endpoint", arm.url(),
                "cutover.provisioner.azure.authentication", "none",
                "cutover.provisioner.azure.subscription-id", SUBSCRIPTION,
                "cutover.provisioner.azure.poll-interval", "20ms",
                "cutover.provisioner.azure.retry-delay", "20ms",
                "cutover.provisioner.azure.operation-timeout", "5s");
    }

    @Override
    public void stop() {
        if (arm != null) {
            arm.close();
        }
    }
}
