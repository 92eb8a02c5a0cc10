package dev.cutover.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

@ConfigMapping(prefix = "cutover.provisioner")
public interface ProvisionerConfig {

    /** Which TargetProvider/TrafficRouter pair runs the slots: {@code local} (azure is planned). */
    @WithDefault("local")
    String provider();

    Local local();

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
