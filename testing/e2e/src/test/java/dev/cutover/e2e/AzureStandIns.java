package dev.cutover.e2e;

import dev.cutover.azure.standin.ArmExtensions;
import dev.cutover.azure.standin.ArmStandIn;
import dev.cutover.azure.standin.compute.ComputeStandIn;
import dev.cutover.azure.standin.insights.InsightsStandIn;
import dev.cutover.azure.standin.web.WebStandIn;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The Azure side of the shared stack: one ARM stand-in (App Service, scale sets, Azure Monitor) in the test JVM, whose
 * "hosted" applications are real sample-app processes. The provisioner and the health monitor are pointed at it with
 * authentication off; everything else about them is as in production.
 */
record AzureStandIns(ArmStandIn arm, WebStandIn web, ComputeStandIn compute) {

    static final String SUBSCRIPTION = "00000000-0000-0000-0000-0000000000e2";

    private static AzureStandIns started;

    static synchronized AzureStandIns start(Path logs) {
        if (started == null) {
            ArmStandIn arm = ArmStandIn.start();
            List<String> jvm = List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
            WebStandIn web = WebStandIn.install(arm, new WebStandIn.Options(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), jvm, Duration.ofSeconds(60),
                    logs.resolve("web")));
            ArmExtensions.install(arm); // after the web part: its app-settings routes win
            InsightsStandIn.install(arm);
            ComputeStandIn compute = ComputeStandIn.install(arm, logs.resolve("compute"), jvm);
            Runtime.getRuntime().addShutdownHook(new Thread(arm::close));
            started = new AzureStandIns(arm, web, compute);
        }
        return started;
    }

    /** The one started for the suite (the stack starts it first). */
    static AzureStandIns get() {
        Stack.get();
        return started;
    }

    Map<String, Map<String, String>> serviceProperties() {
        String endpoint = arm.url() + "/";
        return Map.of(
                "provisioner-service", Map.of(
                        "cutover.provisioner.azure.resource-manager-endpoint", endpoint,
                        "cutover.provisioner.azure.authentication", "none",
                        "cutover.provisioner.azure.subscription-id", SUBSCRIPTION,
                        "cutover.provisioner.azure.poll-interval", "100ms",
                        "cutover.provisioner.azure.operation-timeout", "60s"),
                "health-monitor-service", Map.of(
                        "cutover.analysis.azure.resource-manager-endpoint", endpoint,
                        "cutover.analysis.azure.authentication", "none"));
    }

    /** Overrides that put {@code application} on Azure as {@code kind} in its own resource group. */
    static Map<String, Object> target(String application, String kind) {
        return Map.of("target", Map.of("provider", "azure", "kind", kind, "azure", Map.of(
                "subscription-id", SUBSCRIPTION, "resource-group", "rg-" + application, "region", "westeurope",
                "name", application)));
    }

    static String siteId(String application) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg-" + application
                + "/providers/Microsoft.Web/sites/" + application;
    }
}
