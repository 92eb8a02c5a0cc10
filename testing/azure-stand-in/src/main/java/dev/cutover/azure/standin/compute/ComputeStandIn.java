package dev.cutover.azure.standin.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.azure.standin.ArmIds;
import dev.cutover.azure.standin.ArmRequest;
import dev.cutover.azure.standin.ArmResponse;
import dev.cutover.azure.standin.ArmStandIn;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The stand-in's {@code Microsoft.Compute/virtualMachineScaleSets} (with their {@code virtualMachines}) and the
 * {@code Microsoft.Network/loadBalancers} in front of them, with real instances: every scale-set instance is a process
 * of the artifact its model says, and every load balancer has a frontend on 127.0.0.1 that round-robins real HTTP
 * over the members of its backend pools.
 * <ul>
 *   <li>The model: {@code properties.virtualMachineProfile.userData} is base64 of
 *       {@code {"version", "artifact", "environment"}} (what a VM's bootstrap would read from the instance metadata
 *       service); an instance runs {@code java -jar <artifact>} with {@code environment}, {@code PORT},
 *       {@code CUTOVER_VERSION} and {@code CUTOVER_SLOT} (the instance's name). {@code sku.capacity}: how many
 *       instances exist; raising it creates instances from the latest model, lowering it removes the newest.
 *       Upgrade policy is taken as Manual: a model change reaches an instance only by {@code manualupgrade}.</li>
 *   <li>{@code POST .../manualupgrade} {@code {"instanceIds": [...]}}: each instance gets the latest model (process
 *       restarted with it, NIC configuration reset to the model's) once its requests in flight are done;
 *       {@code POST .../delete} {@code {"instanceIds": [...]}}: each is drained the same way, stopped and removed,
 *       capacity lowered. Both long-running operations.</li>
 *   <li>{@code GET .../virtualMachines}, {@code GET / PUT .../virtualMachines/{id}} (a PUT changes the instance's
 *       {@code networkProfileConfiguration}: that is how an instance joins or leaves a backend pool),
 *       {@code GET .../virtualMachines/{id}/instanceView} ({@code PowerState/starting} until the process accepts
 *       connections, then {@code running}).</li>
 *   <li>Load balancers: stored as PUT, with {@code frontendIPConfigurations[].privateIPAddress} 127.0.0.1 and every
 *       {@code loadBalancingRules[].frontendPort} the frontend's real port; a GET lists each backend pool's
 *       {@code backendIPConfigurations} (its members) and the {@code inboundNatRules} ARM makes from an inbound NAT
 *       pool per instance, whose {@code frontendPort} is the instance process's real port (how one instance is
 *       reached from outside: 127.0.0.1:frontendPort). Also {@code GET .../loadBalancers/{lb}/inboundNatRules}.</li>
 * </ul>
 * {@link #events()} records what happened to instances with the counts at that moment, for tests asserting the
 * limits of a rolling update. Every process is killed when the stand-in closes.
 */
public final class ComputeStandIn implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ComputeStandIn.class.getName());
    private static final String SUB_RG = "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/";
    private static final String VMSS = SUB_RG + "Microsoft\\.Compute/virtualMachineScaleSets/[^/]+";
    private static final String LB = SUB_RG + "Microsoft\\.Network/loadBalancers/[^/]+";
    private static final Duration DRAIN = Duration.ofSeconds(20);

    /**
     * What happened to an instance ({@code kind}: created, ready, joined-pool, left-pool, upgrading, deleted, exited)
     * and, right after it, how many instances the scale set had, how many were serving (in a pool and ready), how
     * many were not ready, and whether this one was in a pool.
     */
    public record Event(Instant at, String kind, String scaleSet, String instanceId, String version, int instances,
                        int serving, int notReady, boolean inPool) {
    }

    /** One scale-set instance as the stand-in runs it. */
    public static final class Instance {
        final String scaleSetId;
        final String instanceId;
        final String name;
        final String vmId = UUID.randomUUID().toString();
        final AtomicInteger inflight = new AtomicInteger();
        String userData;
        String version;
        ArrayNode nics;
        Process process;
        int port;
        volatile boolean ready;
        boolean deleted;

        Instance(String scaleSetId, String instanceId) {
            this.scaleSetId = scaleSetId;
            this.instanceId = instanceId;
            this.name = ArmIds.leaf(scaleSetId) + "_" + instanceId;
        }

        public String name() {
            return name;
        }

        public int port() {
            return port;
        }

        public String version() {
            return version;
        }

        AtomicInteger inflight() {
            return inflight;
        }

        String id() {
            return scaleSetId + "/virtualMachines/" + instanceId;
        }

        Set<String> pools() {
            return refs("loadBalancerBackendAddressPools");
        }

        Set<String> natPools() {
            return refs("loadBalancerInboundNatPools");
        }

        /** The primary ipConfiguration's id (what a backend pool lists as member). */
        String ipConfigurationId() {
            String nic = nics != null && nics.size() > 0 ? nics.get(0).path("name").asText("nic") : "nic";
            JsonNode ipcs = nics != null && nics.size() > 0 ? nics.get(0).path("properties").path("ipConfigurations")
                    : null;
            String ipc = ipcs != null && ipcs.size() > 0 ? ipcs.get(0).path("name").asText("ipconfig") : "ipconfig";
            return id() + "/networkInterfaces/" + nic + "/ipConfigurations/" + ipc;
        }

        private Set<String> refs(String field) {
            Set<String> out = new LinkedHashSet<>();
            if (nics == null) {
                return out;
            }
            for (JsonNode nic : nics) {
                for (JsonNode ipc : nic.path("properties").path("ipConfigurations")) {
                    for (JsonNode ref : ipc.path("properties").path(field)) {
                        out.add(ArmIds.key(ref.path("id").asText()));
                    }
                }
            }
            return out;
        }
    }

    private final ArmStandIn arm;
    private final Path logs;
    private final List<String> javaOptions;
    /** Instances by scale-set key, by instance id (numeric order). */
    private final Map<String, TreeMap<Integer, Instance>> scaleSets = new LinkedHashMap<>();
    private final Map<String, Integer> nextInstanceId = new LinkedHashMap<>();
    private final Map<String, FrontendProxy> frontends = new LinkedHashMap<>();
    private final Map<String, AtomicInteger> roundRobin = new LinkedHashMap<>();
    private final List<Event> events = new ArrayList<>();

    private ComputeStandIn(ArmStandIn arm, Path logs, List<String> javaOptions) {
        this.arm = arm;
        this.logs = logs;
        this.javaOptions = List.copyOf(javaOptions);
    }

    /**
     * Adds scale sets and load balancers to {@code arm} (closed with it): instance output goes to {@code logs}, JVMs
     * start with {@code javaOptions}. Creating the model, upgrades, instance PUTs and deletes are long-running
     * operations with one {@code InProgress} poll.
     */
    public static ComputeStandIn install(ArmStandIn arm, Path logs, List<String> javaOptions) {
        ComputeStandIn compute = new ComputeStandIn(arm, logs, javaOptions);
        arm.route("PUT", VMSS, compute::putScaleSet)
                .route("PATCH", VMSS, compute::patchScaleSet)
                .route("DELETE", VMSS, compute::deleteScaleSet)
                .route("POST", VMSS + "/manualupgrade", compute::manualUpgrade)
                .route("POST", VMSS + "/delete", compute::deleteInstances)
                .route("GET", VMSS + "/virtualMachines", compute::listInstances)
                .route("GET", VMSS + "/virtualMachines/[^/]+", compute::getInstance)
                .route("PUT", VMSS + "/virtualMachines/[^/]+", compute::putInstance)
                .route("GET", VMSS + "/virtualMachines/[^/]+/instanceView", compute::instanceView)
                .route("PUT", LB, compute::putLoadBalancer)
                .route("GET", LB, compute::getLoadBalancer)
                .route("GET", LB + "/inboundNatRules", compute::natRules);
        // a PATCH of the model answers 200 at once (ARM's 200 + Azure-AsyncOperation is not one the core makes)
        arm.longRunning("PUT", "/virtualMachineScaleSets/[^/]+$", 1)
                .longRunning("POST", "/virtualMachineScaleSets/[^/]+/(manualupgrade|delete)$", 1);
        arm.onClose(compute);
        return compute;
    }

    /** Everything that happened to instances so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The scale set's instances now: instance id → the version it runs. */
    public synchronized Map<String, String> versions(String scaleSetId) {
        Map<String, String> out = new LinkedHashMap<>();
        instances(scaleSetId).values().forEach(i -> out.put(i.instanceId, i.version));
        return out;
    }

    /** The instance ids in a backend pool of the load balancer now. */
    public synchronized List<String> poolMembers(String loadBalancerId) {
        return members(ArmIds.key(loadBalancerId)).stream().map(i -> i.instanceId).toList();
    }

    // ---- scale sets ----

    private ArmResponse putScaleSet(ArmRequest request) {
        String id = request.path();
        String parent = ArmIds.parent(id);
        if (parent != null && !arm.exists(parent)) {
            return ArmStandIn.notFound(parent);
        }
        boolean existed = arm.exists(id);
        ObjectNode body = request.hasBody() ? (ObjectNode) request.body().deepCopy() : ArmStandIn.JSON.createObjectNode();
        ObjectNode props = body.with("properties");
        props.put("uniqueId", UUID.randomUUID().toString());
        props.put("timeCreated", Instant.now().toString());
        ObjectNode stored = arm.put(id, body);
        reconcile(id);
        return ArmResponse.json(existed ? 200 : 201, arm.resource(id).orElse(stored));
    }

    private ArmResponse patchScaleSet(ArmRequest request) {
        String id = request.path();
        Optional<ObjectNode> changed = arm.update(id, node -> ArmStandIn.merge(node, request.body()));
        if (changed.isEmpty()) {
            return ArmStandIn.notFound(id);
        }
        reconcile(id);
        return ArmResponse.ok(arm.resource(id).orElseThrow());
    }

    private ArmResponse deleteScaleSet(ArmRequest request) {
        List<Instance> gone;
        synchronized (this) {
            gone = new ArrayList<>(instances(request.path()).values());
        }
        gone.forEach(i -> remove(i, "deleted"));
        return null; // the generic DELETE removes the resource
    }

    /** Brings the instance count to the model's capacity: new ones from the latest model, the newest removed. */
    private void reconcile(String scaleSetId) {
        ObjectNode model = arm.resource(scaleSetId).orElseThrow();
        int capacity = model.path("sku").path("capacity").asInt(0);
        List<Instance> created = new ArrayList<>();
        List<Instance> extra = new ArrayList<>();
        synchronized (this) {
            TreeMap<Integer, Instance> all = instances(scaleSetId);
            String key = ArmIds.key(scaleSetId);
            while (all.size() < capacity) {
                int next = nextInstanceId.merge(key, 1, Integer::sum) - 1;
                Instance instance = new Instance(canonical(scaleSetId), Integer.toString(next));
                applyModel(instance, model);
                all.put(next, instance);
                created.add(instance);
                event("created", instance);
            }
            while (all.size() > capacity) {
                extra.add(all.lastEntry().getValue());
                all.pollLastEntry();
            }
        }
        extra.forEach(i -> remove(i, "deleted"));
        created.forEach(this::launch);
    }

    private ArmResponse manualUpgrade(ArmRequest request) {
        String scaleSetId = scaleSetOf(request.path());
        ObjectNode model = arm.resource(scaleSetId).orElse(null);
        if (model == null) {
            return ArmStandIn.notFound(scaleSetId);
        }
        List<Instance> chosen = chosen(scaleSetId, request);
        if (chosen == null) {
            return ArmResponse.error(400, "InvalidParameter", "instanceIds names an instance the scale set "
                    + ArmIds.leaf(scaleSetId) + " does not have");
        }
        for (Instance instance : chosen) {
            synchronized (this) {
                instance.ready = false;
                event("upgrading", instance);
            }
            drain(instance);
            Process old;
            synchronized (this) {
                old = instance.process;
                instance.process = null;
            }
            kill(old);
            synchronized (this) {
                applyModel(instance, model);
            }
            launch(instance);
        }
        return ArmResponse.empty(200);
    }

    private ArmResponse deleteInstances(ArmRequest request) {
        String scaleSetId = scaleSetOf(request.path());
        if (!arm.exists(scaleSetId)) {
            return ArmStandIn.notFound(scaleSetId);
        }
        List<Instance> chosen = chosen(scaleSetId, request);
        if (chosen == null) {
            return ArmResponse.error(400, "InvalidParameter", "instanceIds names an instance the scale set "
                    + ArmIds.leaf(scaleSetId) + " does not have");
        }
        synchronized (this) {
            chosen.forEach(i -> instances(scaleSetId).remove(Integer.parseInt(i.instanceId)));
        }
        chosen.forEach(i -> remove(i, "deleted"));
        int left;
        synchronized (this) {
            left = instances(scaleSetId).size();
        }
        arm.update(scaleSetId, node -> node.with("sku").put("capacity", left));
        return ArmResponse.empty(200);
    }

    /** The instances a request's {@code instanceIds} names, or null when one does not exist. */
    private synchronized List<Instance> chosen(String scaleSetId, ArmRequest request) {
        List<Instance> out = new ArrayList<>();
        for (JsonNode id : request.body().path("instanceIds")) {
            Instance instance = instance(scaleSetId, id.asText());
            if (instance == null) {
                return null;
            }
            out.add(instance);
        }
        return out;
    }

    // ---- instances ----

    private ArmResponse listInstances(ArmRequest request) {
        String scaleSetId = scaleSetOf(request.path());
        Optional<ObjectNode> model = arm.resource(scaleSetId);
        if (model.isEmpty()) {
            return ArmStandIn.notFound(scaleSetId);
        }
        ObjectNode out = ArmStandIn.JSON.createObjectNode();
        ArrayNode value = out.putArray("value");
        synchronized (this) {
            instances(scaleSetId).values().forEach(i -> value.add(json(i, model.get())));
        }
        return ArmResponse.ok(out);
    }

    private ArmResponse getInstance(ArmRequest request) {
        String scaleSetId = scaleSetOf(request.path());
        Optional<ObjectNode> model = arm.resource(scaleSetId);
        synchronized (this) {
            Instance instance = instance(scaleSetId, ArmIds.leaf(request.path()));
            if (model.isEmpty() || instance == null) {
                return ArmStandIn.notFound(request.path());
            }
            return ArmResponse.ok(json(instance, model.get()));
        }
    }

    /** An instance's own model: only its NIC configuration (backend pool membership) is taken from the PUT. */
    private ArmResponse putInstance(ArmRequest request) {
        String scaleSetId = scaleSetOf(request.path());
        Optional<ObjectNode> model = arm.resource(scaleSetId);
        synchronized (this) {
            Instance instance = instance(scaleSetId, ArmIds.leaf(request.path()));
            if (model.isEmpty() || instance == null) {
                return ArmStandIn.notFound(request.path());
            }
            JsonNode nics = request.body().path("properties").path("networkProfileConfiguration")
                    .path("networkInterfaceConfigurations");
            if (nics.isArray()) {
                boolean before = !instance.pools().isEmpty();
                instance.nics = (ArrayNode) nics.deepCopy();
                boolean after = !instance.pools().isEmpty();
                if (before != after) {
                    event(after ? "joined-pool" : "left-pool", instance);
                }
            }
            // as ARM: 202 and an operation to poll (the change is made at once)
            return arm.accepted(request, 202, 1, json(instance, model.get()));
        }
    }

    private ArmResponse instanceView(ArmRequest request) {
        String scaleSetId = scaleSetOf(request.path());
        String instanceId = segments(request.path()).get(segments(request.path()).size() - 2);
        synchronized (this) {
            Instance instance = instance(scaleSetId, instanceId);
            if (instance == null) {
                return ArmStandIn.notFound(request.path().substring(0, request.path().lastIndexOf('/')));
            }
            ObjectNode view = ArmStandIn.JSON.createObjectNode();
            view.put("platformUpdateDomain", 0);
            view.put("platformFaultDomain", 0);
            view.put("computerName", instance.name);
            ArrayNode statuses = view.putArray("statuses");
            boolean running = instance.process != null && instance.process.isAlive();
            status(statuses, running || instance.ready ? "ProvisioningState/succeeded" : "ProvisioningState/updating");
            status(statuses, instance.ready ? "PowerState/running" : running ? "PowerState/starting"
                    : "PowerState/stopped");
            view.putObject("vmHealth").putObject("status").put("code",
                    instance.ready ? "HealthState/healthy" : "HealthState/unknown");
            return ArmResponse.ok(view);
        }
    }

    private static void status(ArrayNode statuses, String code) {
        ObjectNode s = statuses.addObject();
        s.put("code", code);
        s.put("level", "Info");
        s.put("displayStatus", code.substring(code.indexOf('/') + 1));
    }

    private ObjectNode json(Instance i, ObjectNode model) {
        ObjectNode vm = ArmStandIn.JSON.createObjectNode();
        vm.put("id", i.id());
        vm.put("name", i.name);
        vm.put("type", "Microsoft.Compute/virtualMachineScaleSets/virtualMachines");
        vm.put("location", model.path("location").asText("westeurope"));
        vm.put("instanceId", i.instanceId);
        if (model.has("tags")) {
            vm.set("tags", model.get("tags").deepCopy());
        }
        if (model.has("sku")) {
            ObjectNode sku = vm.putObject("sku");
            sku.put("name", model.path("sku").path("name").asText());
            sku.put("tier", model.path("sku").path("tier").asText("Standard"));
        }
        ObjectNode props = vm.putObject("properties");
        props.put("vmId", i.vmId);
        props.put("latestModelApplied", java.util.Objects.equals(i.userData, userData(model)));
        props.put("provisioningState", "Succeeded");
        if (i.userData != null) {
            props.put("userData", i.userData);
        }
        ObjectNode npc = props.putObject("networkProfileConfiguration");
        npc.set("networkInterfaceConfigurations", i.nics == null ? ArmStandIn.JSON.createArrayNode() : i.nics.deepCopy());
        ArrayNode refs = props.putObject("networkProfile").putArray("networkInterfaces");
        String ipc = i.ipConfigurationId();
        refs.addObject().put("id", ipc.substring(0, ipc.indexOf("/ipConfigurations/")));
        return vm;
    }

    private void applyModel(Instance instance, ObjectNode model) {
        instance.userData = userData(model);
        JsonNode nics = model.path("properties").path("virtualMachineProfile").path("networkProfile")
                .path("networkInterfaceConfigurations");
        instance.nics = nics.isArray() ? (ArrayNode) nics.deepCopy() : ArmStandIn.JSON.createArrayNode();
        instance.version = bootstrap(instance.userData).path("version").asText(null);
    }

    private static String userData(ObjectNode model) {
        JsonNode u = model.path("properties").path("virtualMachineProfile").path("userData");
        return u.isTextual() ? u.asText() : null;
    }

    private static JsonNode bootstrap(String userData) {
        if (userData == null) {
            return ArmStandIn.JSON.createObjectNode();
        }
        try {
            return ArmStandIn.JSON.readTree(Base64.getDecoder().decode(userData));
        } catch (IOException | IllegalArgumentException e) {
            return ArmStandIn.JSON.createObjectNode();
        }
    }

    /** Starts the instance's process from its model and marks it ready once it accepts connections. */
    private void launch(Instance instance) {
        JsonNode boot;
        synchronized (this) {
            boot = bootstrap(instance.userData);
        }
        String artifact = boot.path("artifact").asText("");
        if (artifact.isEmpty()) {
            return; // a model without a bootstrap runs nothing
        }
        Path jar = Path.of(artifact.startsWith("file://") ? java.net.URI.create(artifact).getPath()
                : artifact.startsWith("file:") ? artifact.substring("file:".length()) : artifact);
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            instance.port = socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(k -> k.startsWith("CUTOVER_SECRET_") || k.startsWith("AZURE_"));
        boot.path("environment").fields().forEachRemaining(e -> builder.environment().put(e.getKey(), e.getValue().asText()));
        builder.environment().put("PORT", Integer.toString(instance.port));
        builder.environment().put("CUTOVER_VERSION", boot.path("version").asText("unknown"));
        builder.environment().put("CUTOVER_SLOT", instance.name);
        try {
            Files.createDirectories(logs);
            Path log = logs.resolve(instance.name + ".log");
            builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Process process = builder.start();
            synchronized (this) {
                instance.process = process;
            }
        } catch (IOException e) {
            LOG.warning("cannot start instance " + instance.name + ": " + e);
            return;
        }
        Thread watcher = new Thread(() -> awaitReady(instance), "instance-" + instance.name);
        watcher.setDaemon(true);
        watcher.start();
    }

    private void awaitReady(Instance instance) {
        Process process = instance.process;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (process.isAlive() && System.nanoTime() < deadline) {
            if (accepts(instance.port)) {
                synchronized (this) {
                    if (instance.process == process && !instance.deleted) {
                        instance.ready = true;
                        event("ready", instance);
                    }
                }
                break;
            }
            pause(25);
        }
        process.onExit().thenRun(() -> {
            synchronized (this) {
                if (instance.process == process && !instance.deleted) {
                    instance.ready = false;
                    event("exited", instance);
                }
            }
        });
    }

    /** Waits (bounded) until the load balancer has no request in flight to the instance: connection draining. */
    private void drain(Instance instance) {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (instance.inflight.get() > 0 && System.nanoTime() < deadline) {
            pause(10);
        }
    }

    private void remove(Instance instance, String kind) {
        synchronized (this) {
            instance.deleted = true;
            instance.ready = false;
            instances(instance.scaleSetId).remove(Integer.parseInt(instance.instanceId));
            event(kind, instance);
        }
        drain(instance);
        kill(instance.process);
    }

    private static void kill(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    // ---- load balancers ----

    private ArmResponse putLoadBalancer(ArmRequest request) throws IOException {
        String id = request.path();
        String parent = ArmIds.parent(id);
        if (parent != null && !arm.exists(parent)) {
            return ArmStandIn.notFound(parent);
        }
        String key = ArmIds.key(id);
        FrontendProxy proxy;
        synchronized (this) {
            proxy = frontends.get(key);
            if (proxy == null) {
                AtomicInteger next = roundRobin.computeIfAbsent(key, k -> new AtomicInteger());
                proxy = new FrontendProxy(() -> pick(key, next));
                frontends.put(key, proxy);
            }
        }
        boolean existed = arm.exists(id);
        ObjectNode body = request.hasBody() ? (ObjectNode) request.body().deepCopy() : ArmStandIn.JSON.createObjectNode();
        ObjectNode props = body.with("properties");
        for (JsonNode frontend : props.path("frontendIPConfigurations")) {
            ((ObjectNode) frontend).with("properties").put("privateIPAddress", "127.0.0.1");
        }
        for (JsonNode rule : props.path("loadBalancingRules")) {
            ((ObjectNode) rule).with("properties").put("frontendPort", proxy.port());
        }
        arm.put(id, body);
        return ArmResponse.json(existed ? 200 : 201, loadBalancer(id).orElseThrow());
    }

    private ArmResponse getLoadBalancer(ArmRequest request) {
        return loadBalancer(request.path()).<ArmResponse>map(ArmResponse::ok)
                .orElseGet(() -> ArmStandIn.notFound(request.path()));
    }

    private ArmResponse natRules(ArmRequest request) {
        String lbId = request.path().substring(0, request.path().lastIndexOf('/'));
        Optional<ObjectNode> lb = loadBalancer(lbId);
        if (lb.isEmpty()) {
            return ArmStandIn.notFound(lbId);
        }
        ObjectNode out = ArmStandIn.JSON.createObjectNode();
        out.set("value", lb.get().path("properties").path("inboundNatRules").deepCopy());
        return ArmResponse.ok(out);
    }

    /** The stored load balancer with its pools' members and the NAT rules of the instances now. */
    private Optional<ObjectNode> loadBalancer(String id) {
        Optional<ObjectNode> stored = arm.resource(id);
        if (stored.isEmpty()) {
            return stored;
        }
        ObjectNode lb = stored.get();
        String key = ArmIds.key(id);
        synchronized (this) {
            for (JsonNode pool : lb.with("properties").path("backendAddressPools")) {
                String poolKey = ArmIds.key(pool.path("id").asText(id + "/backendAddressPools/" + pool.path("name").asText()));
                ArrayNode members = ((ObjectNode) pool).with("properties").putArray("backendIPConfigurations");
                allInstances().stream().filter(i -> i.pools().contains(poolKey))
                        .forEach(i -> members.addObject().put("id", i.ipConfigurationId()));
            }
            ArrayNode rules = lb.with("properties").putArray("inboundNatRules");
            for (Instance i : allInstances()) {
                for (String natPool : i.natPools()) {
                    if (!natPool.startsWith(key + "/inboundnatpools/")) {
                        continue;
                    }
                    ObjectNode rule = rules.addObject();
                    String name = ArmIds.leaf(natPool) + "." + i.instanceId;
                    rule.put("id", id + "/inboundNatRules/" + name);
                    rule.put("name", name);
                    rule.put("type", "Microsoft.Network/loadBalancers/inboundNatRules");
                    ObjectNode p = rule.putObject("properties");
                    p.put("frontendPort", i.port);
                    p.put("backendPort", backendPort(lb, natPool));
                    p.put("protocol", "Tcp");
                    p.put("provisioningState", "Succeeded");
                    p.putObject("backendIPConfiguration").put("id", i.ipConfigurationId());
                }
            }
        }
        return Optional.of(lb);
    }

    private static int backendPort(ObjectNode lb, String natPoolKey) {
        for (JsonNode pool : lb.path("properties").path("inboundNatPools")) {
            if (ArmIds.key(pool.path("id").asText()).equals(natPoolKey)) {
                return pool.path("properties").path("backendPort").asInt(80);
            }
        }
        return 80;
    }

    /** A ready member of one of the load balancer's pools, round robin, with its in-flight count raised. */
    private synchronized Instance pick(String lbKey, AtomicInteger next) {
        List<Instance> members = members(lbKey);
        if (members.isEmpty()) {
            return null;
        }
        Instance chosen = members.get(Math.floorMod(next.getAndIncrement(), members.size()));
        chosen.inflight.incrementAndGet();
        return chosen;
    }

    private List<Instance> members(String lbKey) {
        return allInstances().stream()
                .filter(i -> i.ready && i.pools().stream().anyMatch(p -> p.startsWith(lbKey + "/backendaddresspools/")))
                .toList();
    }

    // ---- bookkeeping ----

    private TreeMap<Integer, Instance> instances(String scaleSetId) {
        return scaleSets.computeIfAbsent(ArmIds.key(scaleSetId), k -> new TreeMap<>());
    }

    private Instance instance(String scaleSetId, String instanceId) {
        try {
            return instances(scaleSetId).get(Integer.parseInt(instanceId));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private List<Instance> allInstances() {
        List<Instance> out = new ArrayList<>();
        scaleSets.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    private void event(String kind, Instance instance) {
        Map<Integer, Instance> all = instances(instance.scaleSetId);
        int serving = (int) all.values().stream().filter(i -> i.ready && !i.pools().isEmpty()).count();
        int notReady = (int) all.values().stream().filter(i -> !i.ready).count();
        events.add(new Event(Instant.now(), kind, ArmIds.leaf(instance.scaleSetId), instance.instanceId,
                instance.version, all.size(), serving, notReady, !instance.pools().isEmpty()));
    }

    private static String scaleSetOf(String path) {
        List<String> seg = segments(path);
        int at = -1;
        for (int i = 0; i < seg.size(); i++) {
            if (seg.get(i).equalsIgnoreCase("virtualMachineScaleSets")) {
                at = i;
            }
        }
        return "/" + String.join("/", seg.subList(0, at + 2));
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>(List.of(path.split("/")));
        out.removeIf(String::isEmpty);
        return out;
    }

    private static String canonical(String id) {
        return "/" + String.join("/", segments(id));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills every instance process and stops every frontend. */
    @Override
    public void close() {
        List<Instance> all;
        List<FrontendProxy> proxies;
        synchronized (this) {
            all = allInstances();
            proxies = new ArrayList<>(frontends.values());
            frontends.clear();
        }
        for (Instance i : all) {
            Process p = i.process;
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (Instance i : all) {
            Process p = i.process;
            if (p != null) {
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        proxies.forEach(FrontendProxy::close);
    }

}
