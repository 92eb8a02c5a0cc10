package dev.cutover.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "cutover.provisioner")
public interface ProvisionerConfig {

    /**
     * The provider of a command without a placement (older senders): {@code local}. A command's placement
     * ({@code target.provider}, {@code target.kind}) chooses per command; see ProviderSelection.
     */
    @WithDefault("local")
    String provider();

    Local local();

    Azure azure();

    /**
     * Azure Resource Manager through the Azure SDK: App Service slots and scale sets. The subscription of a command
     * is its placement's ({@code target.azure.subscription-id}); this one is the default.
     */
    interface Azure {

        /** The subscription used when a placement names none. */
        Optional<String> subscriptionId();

        /** The Entra tenant; default: what DefaultAzureCredential finds (AZURE_TENANT_ID). */
        Optional<String> tenantId();

        /** The resource manager endpoint; default Azure public cloud's. Tests point it at the ARM stand-in. */
        Optional<String> resourceManagerEndpoint();

        /**
         * {@code default}: DefaultAzureCredential (managed identity, workload identity, AZURE_CLIENT_ID /
         * AZURE_TENANT_ID / AZURE_CLIENT_SECRET, az login). {@code none}: no token at all, only for the ARM
         * stand-in on http://127.0.0.1.
         */
        @WithDefault("default")
        String authentication();

        /** A long-running ARM operation still running after this fails the command as a timeout. */
        @WithDefault("10m")
        Duration operationTimeout();

        /** How often an operation's status is polled when ARM does not say (Retry-After). */
        @WithDefault("5s")
        Duration pollInterval();

        /** The SDK's retries of 429 / 5xx / no answer (waiting what Retry-After asks, else retry-delay doubled). */
        @WithDefault("3")
        int maxRetries();

        @WithDefault("1s")
        Duration retryDelay();

        @WithDefault("60s")
        Duration maxRetryDelay();

        /** The App Service plan size of a placement without {@code infrastructure.instance-size}. */
        @WithDefault("P1v3")
        String appServicePlanSku();
    }

    /** Slots as OS processes on this machine, each target behind its own router process. */
    interface Local {

        /** Logs ({@code logs/}) and the slot registry ({@code state/}); relative to the working directory. */
        @WithDefault(".cutover/provisioner")
        Path workDir();

        /** How long an instance (or a router) may take until its port accepts connections. */
        @WithDefault("30s")
        Duration startTimeout();

        /**
         * Where instance ports come from: keep it outside the kernel's ephemeral range (Linux 32768-60999), where
         * an outgoing connection could take a chosen port before the instance binds it.
         */
        @WithDefault("20000-29999")
        String instancePorts();

        /**
         * Where a target's router port comes from when neither its application nor its deployment declares one
         * ({@code router.port} 0): two consecutive ports (traffic, admin API) per target, kept in the target's state
         * for every later deployment. Outside the ephemeral range, and apart from the ports applications declare
         * (the sample app's 18080 / 18180 / 18280).
         */
        @WithDefault("18300-18999")
        String routerPorts();

        @WithDefault("deploy/router/target/router.jar")
        Path routerJar();

        /** JVM options for artifacts that are jars. */
        @WithDefault("-Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        String javaOptions();

        @WithDefault("-Xmx96m -XX:+UseSerialGC -XX:TieredStopAtLevel=1")
        String routerJavaOptions();

        /** The java executable for jars and the router; default: the one running the provisioner. */
        Optional<String> java();

        /** Bounded wait for a removed backend's in-flight requests before its process is stopped. */
        @WithDefault("10s")
        Duration drainTimeout();

        /** After SIGTERM, how long a process may take to exit before it is killed. */
        @WithDefault("10s")
        Duration stopTimeout();

        /**
         * Start instances and routers in their own session ({@code setsid}), so a Ctrl-C or a stop of the
         * provisioner never reaches the data plane.
         */
        @WithDefault("true")
        boolean detach();
    }
}
