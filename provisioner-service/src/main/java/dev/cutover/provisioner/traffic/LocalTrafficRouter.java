package dev.cutover.provisioner.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.Target;
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

/**
 * The deploy/router process of each target: traffic on the ProvisionSlot's routerPort, admin API on
 * routerPort + 1 ({@code PUT/GET /backends}, {@code /health}). Routers are never stopped by the
 * provisioner: they are the data plane and keep serving while the control plane restarts.
 */
public class LocalTrafficRouter implements TrafficRouter {

    private static final Logger LOG = Logger.getLogger(LocalTrafficRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

    private final ProvisionerConfig.Local config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

    public LocalTrafficRouter(ProvisionerConfig.Local config) {
        this.config = config;
    }

    @Override
    public RouterHandle ensure(Target target, int routerPort, Long knownPid) throws ProvisioningException {
        if (routerPort <= 0 || routerPort >= 65535) {
            throw new ProvisioningException("router port must be 1..65534 (admin port = port + 1), was " + routerPort);
        }
        RouterHandle handle = new RouterHandle("http://127.0.0.1:" + routerPort, routerPort, knownPid);
        Optional<String> serving = healthTarget(routerPort);
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
                "--admin-port", Integer.toString(routerPort + 1)));
        Path log = config.workDir().resolve("logs")
                .resolve("router-" + SlotRegistry.safe(target.application() + "-" + target.environment()) + ".log")
                .toAbsolutePath();
        LocalProcesses.Spawned started = LocalProcesses.spawn(command, Map.of(), log, config.detach());
        LocalProcesses.awaitReady(started, () -> healthTarget(routerPort).isPresent(), config.startTimeout(),
                "router of " + target + " (pid " + started.pid() + ")");
        LOG.infof("Started the router of %s: pid %d, traffic port %d, admin port %d, log %s", target, started.pid(),
                routerPort, routerPort + 1, log);
        return new RouterHandle(handle.url(), routerPort, started.pid());
    }

    @Override
    public void apply(Target target, RouterHandle router, List<Backend> backends) throws ProvisioningException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("backends");
        for (Backend b : backends) {
            list.addObject().put("id", b.id()).put("url", b.url()).put("weight", b.weight()).put("version", b.version());
        }
        JsonNode answer = call(router, HttpRequest.newBuilder(admin(router, "/backends"))
                .PUT(HttpRequest.BodyPublishers.ofString(body.toString()))
                .header("Content-Type", "application/json"));
        JsonNode readBack = call(router, HttpRequest.newBuilder(admin(router, "/backends")).GET());
        Set<Backend> expected = new HashSet<>(backends);
        Set<Backend> actual = new HashSet<>();
        for (JsonNode b : readBack.path("backends")) {
            actual.add(new Backend(b.path("id").asText(), b.path("url").asText(), b.path("weight").asInt(),
                    b.path("version").asText()));
        }
        if (!expected.equals(actual)) {
            throw new ProvisioningException("router of " + target + " shows " + actual + " after PUT " + expected
                    + " (answer " + answer + ")");
        }
    }

    @Override
    public boolean awaitDrained(Target target, RouterHandle router, String backendId) {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (true) {
            try {
                JsonNode table = call(router, HttpRequest.newBuilder(admin(router, "/backends")).GET());
                boolean busy = false;
                for (String list : List.of("backends", "draining")) {
                    for (JsonNode b : table.path(list)) {
                        busy |= backendId.equals(b.path("id").asText()) && b.path("inflight").asInt() > 0;
                    }
                }
                if (!busy) {
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

    /** The target the router on this port serves, if one answers. */
    private Optional<String> healthTarget(int routerPort) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + (routerPort + 1) + "/health")).timeout(HTTP_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(JSON.readTree(response.body()).path("target").asText(""));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static URI admin(RouterHandle router, String path) {
        return URI.create("http://127.0.0.1:" + (router.port() + 1) + path);
    }

    private JsonNode call(RouterHandle router, HttpRequest.Builder request) throws ProvisioningException {
        HttpRequest built = request.timeout(HTTP_TIMEOUT).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new ProvisioningException("router admin " + built.method() + " " + built.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ProvisioningException("router admin " + built.uri() + " not reachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisioningException("interrupted", e);
        }
    }
}
