package dev.cutover.provisioner.traffic;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.Target;
import dev.cutover.events.router.RouterAdminApi;
import dev.cutover.events.router.RouterAdminApi.Backend;
import dev.cutover.events.router.RouterAdminApi.BackendTable;
import dev.cutover.events.router.RouterAdminApi.Health;
import dev.cutover.events.router.RouterAdminApi.Security;
import dev.cutover.events.router.RouterAdminApi.SetBackends;
import dev.cutover.provisioner.config.ProvisionerConfig;
import dev.cutover.provisioner.slot.LocalProcesses;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.slot.SlotRegistry;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The deploy/router process of each target: traffic on the ProvisionSlot's routerPort, admin API
 * ({@link RouterAdminApi}) on 127.0.0.1, port routerPort + 1 — decided here, in {@link #adminPort}, and
 * reported to everyone else through {@link RouterHandle#adminUrl()}. Routers are never stopped by the
 * provisioner: they are the data plane and keep serving while the control plane restarts.
 */
public class LocalTrafficRouter implements TrafficRouter {

    private static final Logger LOG = Logger.getLogger(LocalTrafficRouter.class);
    private static final ObjectMapper JSON = RouterAdminApi.mapper();
    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

    private final ProvisionerConfig.Local config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

    private final dev.cutover.provisioner.slot.PortPool routerPorts;

    public LocalTrafficRouter(ProvisionerConfig.Local config) {
        this.config = config;
        this.routerPorts = dev.cutover.provisioner.slot.PortPool.parse(config.routerPorts());
    }

    @Override
    public Optional<dev.cutover.provisioner.slot.PortPool> routerPorts() {
        return Optional.of(routerPorts);
    }

    @Override
    public RouterHandle ensure(Target target, int routerPort, Long knownPid) throws ProvisioningException {
        if (routerPort <= 0 || adminPort(routerPort) > 65535) {
            throw new ProvisioningException("router port must be 1.." + (65535 - adminPort(0))
                    + " (its admin API takes port " + adminPort(routerPort) + "), was " + routerPort);
        }
        String url = "http://" + LOOPBACK + ":" + routerPort;
        RouterHandle handle = new RouterHandle(url, adminUrl(routerPort), routerPort, knownPid);
        Optional<String> serving = healthTarget(handle.adminUrl());
        if (serving.isPresent()) {
            if (!serving.get().equals(target.key())) {
                throw new ProvisioningException("router port " + routerPort + " is taken by the router of " + serving.get());
            }
            return handle;
        }
        Path jar = config.routerJar().toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new ProvisioningException("router jar " + jar + " not found (cutover.provisioner.local.router-jar; "
                    + "build it with mvn -pl deploy/router package)");
        }
        List<String> command = new java.util.ArrayList<>(LocalProcesses.javaCommand(config.java(),
                config.routerJavaOptions(), jar));
        command.addAll(List.of("--target", target.key(), "--port", Integer.toString(routerPort),
                "--admin-port", Integer.toString(adminPort(routerPort))));
        Path log = config.workDir().resolve("logs")
                .resolve("router-" + SlotRegistry.safe(target.application() + "-" + target.environment()) + ".log")
                .toAbsolutePath();
        LocalProcesses.Spawned started = LocalProcesses.spawn(command, Map.of(), log, config.detach());
        LocalProcesses.awaitReady(started, () -> healthTarget(handle.adminUrl()).isPresent(), config.startTimeout(),
                "router of " + target + " (pid " + started.pid() + ")");
        LOG.infof("Started the router of %s: pid %d, traffic port %d, admin API %s, log %s", target, started.pid(),
                routerPort, handle.adminUrl(), log);
        return new RouterHandle(handle.url(), handle.adminUrl(), routerPort, started.pid());
    }

    @Override
    public void apply(Target target, RouterHandle router, List<Backend> backends) throws ProvisioningException {
        String body = write(new SetBackends(backends));
        BackendTable answer = call(HttpRequest.newBuilder(admin(router, RouterAdminApi.BACKENDS_PATH))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"), BackendTable.class);
        BackendTable readBack = call(HttpRequest.newBuilder(admin(router, RouterAdminApi.BACKENDS_PATH)).GET(),
                BackendTable.class);
        Set<Backend> expected = new HashSet<>(backends);
        Set<Backend> actual = readBack.backends().stream().map(RouterAdminApi.RoutedBackend::asBackend)
                .collect(Collectors.toSet());
        if (!expected.equals(actual)) {
            Set<Backend> withoutMembers = expected.stream()
                    .map(b -> new Backend(b.id(), b.url(), b.weight(), b.version())).collect(Collectors.toSet());
            if (!expected.equals(withoutMembers) && withoutMembers.equals(actual)) {
                throw new ProvisioningException("the router of " + target + " (pid " + router.pid() + ") ignores the "
                        + "members of a backend (a slot of several instances): it predates them; stop it so that the "
                        + "current router jar starts in its place");
            }
            throw new ProvisioningException("router of " + target + " shows " + actual + " after PUT " + expected
                    + " (answer " + answer + ")");
        }
    }

    @Override
    public void secure(Target target, RouterHandle router, RouterSecurity security) throws ProvisioningException {
        Security expected = new Security(security.httpsOnly(), security.hsts(), security.csp());
        Security answer;
        try {
            answer = call(HttpRequest.newBuilder(admin(router, RouterAdminApi.SECURITY_PATH))
                    .PUT(HttpRequest.BodyPublishers.ofString(write(expected)))
                    .header("Content-Type", "application/json"), Security.class);
        } catch (AdminStatusException e) {
            if (e.status == 404) {
                throw new ProvisioningException("the router of " + target + " (pid " + router.pid() + ") has no "
                        + RouterAdminApi.SECURITY_PATH + " to apply security.* (https-only, hsts, csp): it predates it; "
                        + "stop it so that the current router jar starts in its place", e);
            }
            throw e;
        }
        Security readBack = call(HttpRequest.newBuilder(admin(router, RouterAdminApi.SECURITY_PATH)).GET(),
                Security.class);
        if (!expected.equals(readBack)) {
            throw new ProvisioningException("router of " + target + " shows security " + readBack + " after PUT "
                    + expected + " (answer " + answer + ")");
        }
    }

    @Override
    public boolean awaitDrained(Target target, RouterHandle router, String backendId) {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (true) {
            try {
                BackendTable table = call(HttpRequest.newBuilder(admin(router, RouterAdminApi.BACKENDS_PATH)).GET(),
                        BackendTable.class);
                if (table.inflight(backendId) == 0) {
                    return true;
                }
            } catch (ProvisioningException e) {
                LOG.warnf("Router of %s not answering while draining %s: %s", target, backendId, e.getMessage());
                return false;
            }
            if (System.nanoTime() > deadline) {
                LOG.warnf("Backend %s of %s still has requests in flight after %d ms: stopping it anyway", backendId,
                        target, config.drainTimeout().toMillis());
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** The one place that knows where a local router's admin API is: 127.0.0.1, the traffic port + 1. */
    static int adminPort(int routerPort) {
        return routerPort + 1;
    }

    private static String adminUrl(int routerPort) {
        return "http://" + LOOPBACK + ":" + adminPort(routerPort);
    }

    /** The target the router with this admin URL serves, if one answers. */
    private Optional<String> healthTarget(String adminUrl) {
        try {
            URI health = RouterAdminApi.uri(adminUrl, RouterAdminApi.HEALTH_PATH);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(health).timeout(HTTP_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            String target = JSON.readValue(response.body(), Health.class).target();
            return Optional.of(target == null ? "" : target);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static URI admin(RouterHandle router, String path) {
        return RouterAdminApi.uri(router.adminUrl(), path);
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + body, e);
        }
    }

    private <T> T call(HttpRequest.Builder request, Class<T> answer) throws ProvisioningException {
        HttpRequest built = request.timeout(HTTP_TIMEOUT).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AdminStatusException(response.statusCode(), "router admin " + built.method() + " "
                        + built.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            try {
                return JSON.readValue(response.body(), answer);
            } catch (IOException e) {
                throw new ProvisioningException("router admin " + built.method() + " " + built.uri()
                        + " answered what is not a " + answer.getSimpleName() + ": " + response.body(), e);
            }
        } catch (IOException e) {
            throw new ProvisioningException("router admin " + built.uri() + " not reachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted", e);
        }
    }

    /** The admin API answered, with a status other than 200. */
    private static final class AdminStatusException extends ProvisioningException {

        final int status;

        AdminStatusException(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
