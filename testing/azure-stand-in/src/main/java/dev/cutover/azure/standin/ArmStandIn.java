package dev.cutover.azure.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for Azure Resource Manager for tests: an HTTP server on 127.0.0.1 that keeps resources in memory by ARM
 * id (case-insensitive, as ARM) and answers the REST calls the real Azure SDK makes. Generic for every resource type:
 * PUT stores (201 created / 200 updated, {@code properties.provisioningState: Succeeded}), GET answers it or 404
 * {@code ResourceNotFound}, PATCH merges, DELETE removes (with what is under it), a GET of a collection lists
 * ({@code {"value": [...]}}). Calls can be made long-running operations as ARM does them ({@link #longRunning}),
 * faults armed ({@link #faults()}), and behaviour of a resource provider added with {@link #route} (the
 * {@code web}, {@code compute} and {@code insights} parts do that). Every call is logged ({@link #calls()}).
 */
public final class ArmStandIn implements AutoCloseable {

    /** The namespace of the stand-in's own operation-status URLs (never a real provider). */
    public static final String OPERATIONS_NAMESPACE = "Cutover.StandIn";

    /** The mapper for every body the stand-in reads and writes. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private static final Logger LOG = Logger.getLogger(ArmStandIn.class.getName());
    private static final Pattern OPERATION = Pattern.compile(
            "/subscriptions/[^/]+/providers/" + Pattern.quote(OPERATIONS_NAMESPACE) + "/(operations|operationResults)/([^/]+)",
            Pattern.CASE_INSENSITIVE);

    private record Route(String method, Pattern path, Handler handler) {
    }

    private record LongRunning(String method, Pattern path, int polls, String failureCode, String failureMessage) {
    }

    /** A long-running operation: how many polls still say InProgress, and how it ends. */
    private static final class Operation {
        int pollsLeft;
        final String failureCode;
        final String failureMessage;
        final JsonNode result;
        final int resultStatus;
        /** A resource PUT through this operation: its provisioningState becomes Succeeded when the operation does. */
        String resourceId;

        Operation(int polls, String failureCode, String failureMessage, JsonNode result, int resultStatus) {
            this.pollsLeft = polls;
            this.failureCode = failureCode;
            this.failureMessage = failureMessage;
            this.result = result;
            this.resultStatus = resultStatus;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String url;
    private final Map<String, ObjectNode> store = new LinkedHashMap<>();
    private final List<Route> routes = new CopyOnWriteArrayList<>();
    private final List<LongRunning> longRunning = new CopyOnWriteArrayList<>();
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final Faults faults = new Faults();
    private final CallLog calls = new CallLog();
    private final Metrics metrics = new Metrics();
    private volatile int operationRetryAfterSeconds = 0;

    private ArmStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "arm-stand-in");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
        route(null, "(/subscriptions/.+)/providers/Microsoft\\.Resources/tags/default", this::tags);
    }

    /**
     * The Tags API ({@code {scope}/providers/Microsoft.Resources/tags/default}): the tags of the resource at
     * {@code scope}, read or changed without touching the rest of it. PATCH merges / replaces / deletes as its
     * {@code operation} says, PUT replaces.
     */
    private ArmResponse tags(ArmRequest request) {
        String scope = request.group(1);
        if (!exists(scope)) {
            return notFound(scope);
        }
        JsonNode given = request.body().path("properties").path("tags");
        String operation = request.method().equals("PUT") ? "Replace" : request.body().path("operation").asText("Merge");
        ObjectNode changed;
        switch (request.method()) {
            case "GET" -> changed = resource(scope).orElseThrow();
            case "PUT", "PATCH" -> changed = update(scope, node -> {
                ObjectNode tags = node.path("tags").isObject() ? (ObjectNode) node.path("tags") : node.putObject("tags");
                if (operation.equalsIgnoreCase("Replace")) {
                    tags.removeAll();
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (operation.equalsIgnoreCase("Delete")) {
                        tags.remove(e.getKey());
                    } else {
                        tags.put(e.getKey(), e.getValue().asText());
                    }
                }
            }).orElseThrow();
            default -> {
                return ArmResponse.error(405, "MethodNotAllowed", request.method() + " " + request.path());
            }
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", scope + "/providers/Microsoft.Resources/tags/default");
        body.put("name", "default");
        body.put("type", "Microsoft.Resources/tags");
        body.putObject("properties").set("tags", changed.path("tags").isObject() ? changed.get("tags") : JSON.createObjectNode());
        return ArmResponse.ok(body);
    }

    /** Starts a stand-in on a free port of 127.0.0.1. */
    public static ArmStandIn start() {
        try {
            return new ArmStandIn();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the ARM stand-in", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: the resource manager endpoint to give the SDK (no trailing slash). */
    public String url() {
        return url;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public Faults faults() {
        return faults;
    }

    public CallLog calls() {
        return calls;
    }

    public Metrics metrics() {
        return metrics;
    }

    /**
     * Adds behaviour: a call with {@code method} (any, when null) whose whole path (without query) matches
     * {@code pathRegex} (case-insensitive) goes to {@code handler} instead of the generic handling. Routes are tried
     * in the order added; a handler answering null passes the call on to the next route and finally the generic
     * handling.
     */
    public ArmStandIn route(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex, Pattern.CASE_INSENSITIVE), handler));
        return this;
    }

    /**
     * Makes matching calls (method any when null; path regex found anywhere, case-insensitive) long-running as ARM
     * does: the change is made at once, but the answer is 201 (PUT) or 202 (POST, DELETE, PATCH) with
     * {@code Azure-AsyncOperation} and {@code Location} headers, and the operation reports {@code InProgress}
     * {@code polls} times before {@code Succeeded}.
     */
    public ArmStandIn longRunning(String method, String pathRegex, int polls) {
        longRunning.add(0, new LongRunning(method, Pattern.compile(pathRegex, Pattern.CASE_INSENSITIVE), polls, null, null));
        return this;
    }

    /**
     * As {@link #longRunning}, but the operation ends {@code Failed} with the error {@code code}/{@code message} and
     * the change is not made.
     */
    public ArmStandIn failingOperation(String method, String pathRegex, int polls, String code, String message) {
        longRunning.add(0, new LongRunning(method, Pattern.compile(pathRegex, Pattern.CASE_INSENSITIVE), polls, code, message));
        return this;
    }

    /** Removes the long-running rules (calls answer synchronously again). */
    public void clearLongRunning() {
        longRunning.clear();
    }

    /** The {@code Retry-After} (seconds) the operation answers carry; 0 (default) lets the SDK poll at its own interval. */
    public ArmStandIn operationRetryAfter(int seconds) {
        this.operationRetryAfterSeconds = seconds;
        return this;
    }

    /** Closed (in reverse order) when the stand-in closes: processes and proxies the providers' parts start. */
    public synchronized void onClose(AutoCloseable closeable) {
        closeables.push(closeable);
    }

    // ---- the store, for handlers and tests ----

    /** A copy of the stored resource with this id (case-insensitive), if any. */
    public Optional<ObjectNode> resource(String id) {
        synchronized (store) {
            ObjectNode node = store.get(ArmIds.key(id));
            return Optional.ofNullable(node == null ? null : node.deepCopy());
        }
    }

    public boolean exists(String id) {
        synchronized (store) {
            return store.containsKey(ArmIds.key(id));
        }
    }

    /**
     * Stores {@code json} as the resource {@code id}, with {@code id}, {@code name}, {@code type} set from the id and
     * {@code properties.provisioningState} {@code Succeeded} unless given; answers the stored copy.
     */
    public ObjectNode put(String id, JsonNode json) {
        ObjectNode node = normalize(id, json);
        synchronized (store) {
            store.put(ArmIds.key(id), node);
            return node.deepCopy();
        }
    }

    /** Changes a stored resource in place (atomically); answers the changed copy, or empty when there is none. */
    public Optional<ObjectNode> update(String id, Consumer<ObjectNode> change) {
        synchronized (store) {
            ObjectNode node = store.get(ArmIds.key(id));
            if (node == null) {
                return Optional.empty();
            }
            change.accept(node);
            return Optional.of(node.deepCopy());
        }
    }

    /** Removes the resource and everything under it; true when it existed. */
    public boolean delete(String id) {
        String key = ArmIds.key(id);
        synchronized (store) {
            boolean existed = store.remove(key) != null;
            store.keySet().removeIf(k -> k.startsWith(key + "/"));
            return existed;
        }
    }

    /**
     * The resources directly under {@code parentId} whose type segment is {@code typeSegment} (e.g. the slots of a
     * site: {@code children(siteId, "slots")}), in the order created.
     */
    public List<ObjectNode> children(String parentId, String typeSegment) {
        String prefix = ArmIds.key(parentId) + "/" + typeSegment.toLowerCase(Locale.ROOT) + "/";
        List<ObjectNode> out = new ArrayList<>();
        synchronized (store) {
            for (Map.Entry<String, ObjectNode> e : store.entrySet()) {
                if (e.getKey().startsWith(prefix) && e.getKey().indexOf('/', prefix.length()) < 0) {
                    out.add(e.getValue().deepCopy());
                }
            }
        }
        return out;
    }

    /** Every stored resource of the type ({@code Microsoft.Web/sites}), in the order created. */
    public List<ObjectNode> ofType(String type) {
        List<ObjectNode> out = new ArrayList<>();
        synchronized (store) {
            for (ObjectNode node : store.values()) {
                if (node.path("type").asText().equalsIgnoreCase(type)) {
                    out.add(node.deepCopy());
                }
            }
        }
        return out;
    }

    /** The ids of every stored resource (as stored, original case), in the order created. */
    public List<String> ids() {
        synchronized (store) {
            return store.values().stream().map(n -> n.path("id").asText()).toList();
        }
    }

    /**
     * Answers a handler's call as a long-running operation that reports {@code InProgress} {@code polls} times, then
     * {@code Succeeded}; the final GET of {@code Location} answers {@code result} (204 when null). The change must be
     * made by the handler (at once).
     */
    public ArmResponse accepted(ArmRequest request, int status, int polls, JsonNode result) {
        return operation(request, status, new Operation(polls, null, null, result, result == null ? 204 : 200), result);
    }

    // ---- HTTP ----

    private void serve(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        // The SDK's "by id" calls send //subscriptions/... (endpoint's slash plus the id's): a URI parser takes
        // "subscriptions" for an authority. ARM ignores the doubled slash; so does the stand-in.
        java.net.URI uri = exchange.getRequestURI();
        String path = (uri.getAuthority() == null ? "" : "/" + uri.getAuthority()) + uri.getPath();
        path = path.replaceAll("/{2,}", "/");
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        ArmResponse response;
        try (InputStream in = exchange.getRequestBody()) {
            String raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            JsonNode body = NullNode.getInstance();
            if (!raw.isBlank()) {
                try {
                    body = JSON.readTree(raw);
                } catch (IOException notJson) {
                    body = NullNode.getInstance();
                }
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
            response = dispatch(new ArmRequest(method, path, query, headers, body, raw, null));
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stand-in failed on " + method + " " + path, e);
            response = ArmResponse.error(500, "InternalServerError", "stand-in: " + e);
        }
        calls.add(new Call(Instant.now(), method, path, query.get("api-version"), response.status()));
        write(exchange, method, response);
    }

    private ArmResponse dispatch(ArmRequest request) throws Exception {
        Matcher op = OPERATION.matcher(request.path());
        if (op.matches()) {
            return poll(op.group(1), op.group(2));
        }
        Fault fault = faults.take(request.method(), request.path());
        if (fault != null) {
            ArmResponse faulty = fault(request, fault);
            if (faulty != null) {
                return faulty;
            }
        }
        LongRunning lro = longRunningFor(request);
        if (lro != null && lro.failureCode() != null) {
            return operation(request, request.method().equals("PUT") ? 201 : 202,
                    new Operation(lro.polls(), lro.failureCode(), lro.failureMessage(), null, 204), null);
        }
        ArmResponse response = handle(request);
        if (lro != null && response.status() >= 200 && response.status() < 300) {
            boolean put = request.method().equals("PUT");
            JsonNode body = response.body();
            Operation operation = new Operation(lro.polls(), null, null, body, body == null ? 204 : 200);
            if (put && lro.polls() > 0 && body != null && body.path("properties").isObject()) {
                // A terminal provisioningState in a 201 makes the SDK skip polling (as ARM means it to).
                String id = body.path("id").asText(request.path());
                String state = response.status() == 201 ? "Creating" : "Updating";
                update(id, node -> ((ObjectNode) node.path("properties")).put("provisioningState", state));
                body = body.deepCopy();
                ((ObjectNode) body.path("properties")).put("provisioningState", state);
                operation.resourceId = id;
            }
            return operation(request, put ? 201 : 202, operation, body);
        }
        return response;
    }

    private ArmResponse handle(ArmRequest request) throws Exception {
        for (Route route : routes) {
            if (route.method() != null && !route.method().equalsIgnoreCase(request.method())) {
                continue;
            }
            Matcher m = route.path().matcher(request.path());
            if (m.matches()) {
                ArmResponse response = route.handler().handle(new ArmRequest(request.method(), request.path(),
                        request.query(), request.headers(), request.body(), request.rawBody(), m));
                if (response != null) {
                    return response;
                }
            }
        }
        return generic(request);
    }

    private LongRunning longRunningFor(ArmRequest request) {
        if (request.method().equals("GET") || request.method().equals("HEAD")) {
            return null;
        }
        for (LongRunning lro : longRunning) {
            if ((lro.method() == null || lro.method().equalsIgnoreCase(request.method()))
                    && lro.path().matcher(request.path()).find()) {
                return lro;
            }
        }
        return null;
    }

    private ArmResponse fault(ArmRequest request, Fault fault) {
        return switch (fault.kind()) {
            case CONFLICT -> ArmResponse.error(409, "Conflict",
                    "The request failed due to conflict with a concurrent request to " + request.path() + ".");
            case THROTTLED -> ArmResponse.error(429, "TooManyRequests",
                    "The request is being throttled as the limit has been reached for operation type - Write.")
                    .withHeader("Retry-After", Long.toString(fault.retryAfter().toSeconds()));
            case SERVER_ERROR -> ArmResponse.error(500, "InternalServerError",
                    "Encountered internal server error. Diagnostic information: timestamp '" + Instant.now() + "'.");
            case UNAUTHORIZED -> ArmResponse.error(401, "AuthenticationFailed",
                    "Authentication failed. The 'Authorization' header is missing.")
                    .withHeader("WWW-Authenticate", "Bearer authorization_uri=\"https://login.microsoftonline.com/"
                            + "00000000-0000-0000-0000-000000000000\", error=\"invalid_token\", "
                            + "error_description=\"The authentication failed because of missing 'Authorization' header.\"");
            case NEVER_FINISHING -> operation(request, request.method().equals("PUT") ? 201 : 202,
                    new Operation(Integer.MAX_VALUE, null, null, null, 204), null);
        };
    }

    private ArmResponse operation(ArmRequest request, int status, Operation operation, JsonNode body) {
        String id = UUID.randomUUID().toString();
        operations.put(id, operation);
        String subscription = Optional.ofNullable(ArmIds.subscription(request.path())).orElse("stand-in");
        String apiVersion = Optional.ofNullable(request.apiVersion()).orElse("2022-03-01");
        String base = url + "/subscriptions/" + subscription + "/providers/" + OPERATIONS_NAMESPACE;
        ArmResponse response = new ArmResponse(status, Map.of(), body)
                .withHeader("Azure-AsyncOperation", base + "/operations/" + id + "?api-version=" + apiVersion)
                .withHeader("Location", base + "/operationResults/" + id + "?api-version=" + apiVersion);
        if (operationRetryAfterSeconds > 0) {
            response = response.withHeader("Retry-After", Integer.toString(operationRetryAfterSeconds));
        }
        return response;
    }

    private ArmResponse poll(String kind, String id) {
        Operation op = operations.get(id);
        if (op == null) {
            return ArmResponse.error(404, "OperationNotFound", "No operation " + id + ".");
        }
        boolean running;
        synchronized (op) {
            running = op.pollsLeft > 0;
            if (running && op.pollsLeft != Integer.MAX_VALUE) {
                op.pollsLeft--;
            }
            if (!running && op.resourceId != null && op.failureCode == null) {
                update(op.resourceId, node -> ((ObjectNode) node.path("properties")).put("provisioningState", "Succeeded"));
                op.resourceId = null;
            }
        }
        ObjectNode status = JSON.createObjectNode();
        status.put("id", id);
        status.put("name", id);
        if (kind.equalsIgnoreCase("operationResults")) {
            if (running) {
                return withRetryAfter(ArmResponse.empty(202));
            }
            if (op.failureCode != null) {
                return ArmResponse.error(400, op.failureCode, op.failureMessage);
            }
            return op.result == null ? ArmResponse.empty(204) : ArmResponse.json(op.resultStatus, op.result);
        }
        if (running) {
            status.put("status", "InProgress");
            return withRetryAfter(ArmResponse.ok(status));
        }
        if (op.failureCode != null) {
            status.put("status", "Failed");
            ObjectNode error = status.putObject("error");
            error.put("code", op.failureCode);
            error.put("message", op.failureMessage);
        } else {
            status.put("status", "Succeeded");
        }
        return ArmResponse.ok(status);
    }

    private ArmResponse withRetryAfter(ArmResponse response) {
        return operationRetryAfterSeconds > 0
                ? response.withHeader("Retry-After", Integer.toString(operationRetryAfterSeconds)) : response;
    }

    // ---- generic resources ----

    /** The generic answer to a call (what the stand-in does for any resource type without a route). */
    public ArmResponse generic(ArmRequest request) {
        List<String> seg = ArmIds.segments(request.path());
        if (seg.size() < 2 || !seg.get(0).equalsIgnoreCase("subscriptions")) {
            return ArmResponse.error(404, "InvalidResourceType", "No ARM path: " + request.path());
        }
        String path = "/" + String.join("/", seg);
        int providers = ArmIds.indexOfIgnoreCase(seg, "providers");
        boolean collection;
        if (seg.size() == 2) {
            ObjectNode sub = JSON.createObjectNode();
            sub.put("id", path);
            sub.put("subscriptionId", seg.get(1));
            sub.put("displayName", "stand-in");
            sub.put("state", "Enabled");
            return ArmResponse.ok(sub);
        } else if (providers < 0) {
            // /subscriptions/{s}/resourcegroups[/{rg}[/resources]]
            if (!seg.get(2).equalsIgnoreCase("resourcegroups")) {
                return ArmResponse.error(404, "InvalidResourceType", "No ARM path: " + request.path());
            }
            if (seg.size() == 5 && seg.get(4).equalsIgnoreCase("resources")) {
                String prefix = ArmIds.key(path.substring(0, path.lastIndexOf('/'))) + "/providers/";
                return list(k -> k.startsWith(prefix));
            }
            collection = seg.size() == 3;
            if (seg.size() > 4) {
                return ArmResponse.error(404, "InvalidResourceType", "No ARM path: " + request.path());
            }
        } else {
            int tail = seg.size() - providers - 2; // after providers/{ns}
            if (tail <= 0) {
                return ArmResponse.error(404, "InvalidResourceType", "No ARM path: " + request.path());
            }
            collection = tail % 2 == 1;
            if (providers == 2) {
                // /subscriptions/{s}/providers/{ns}/{type}: every resource of the type in the subscription
                if (request.method().equals("GET") && tail == 1) {
                    String type = seg.get(3) + "/" + seg.get(4);
                    String sub = ArmIds.key("/subscriptions/" + seg.get(1)) + "/";
                    return list(k -> k.startsWith(sub) && store.get(k).path("type").asText().equalsIgnoreCase(type));
                }
                return ArmResponse.error(404, "InvalidResourceType", "No ARM path: " + request.path());
            }
        }
        if (collection) {
            if (request.method().equals("GET")) {
                String prefix = ArmIds.key(path) + "/";
                String parent = ArmIds.key(path.substring(0, path.lastIndexOf('/')));
                if (providers >= 0 && seg.size() - providers - 2 > 1 && !exists(parent)) {
                    return notFound(parent);
                }
                return list(k -> k.startsWith(prefix) && k.indexOf('/', prefix.length()) < 0);
            }
            if (request.method().equals("POST")) {
                // an action on the enclosing resource (start, stop, restart...) without special behaviour
                String target = path.substring(0, path.lastIndexOf('/'));
                return exists(target) ? ArmResponse.empty(200) : notFound(target);
            }
            return ArmResponse.error(405, "MethodNotAllowed", request.method() + " on a collection: " + request.path());
        }
        return resourceCall(request, path, providers);
    }

    private ArmResponse resourceCall(ArmRequest request, String id, int providers) {
        String parent = ArmIds.parent(id);
        switch (request.method()) {
            case "GET" -> {
                return resource(id).<ArmResponse>map(ArmResponse::ok).orElseGet(() -> notFound(id));
            }
            case "HEAD" -> {
                return ArmResponse.empty(exists(id) ? 204 : 404);
            }
            case "PUT" -> {
                if (providers >= 0 && parent != null && !exists(parent)) {
                    return notFound(parent);
                }
                boolean existed = exists(id);
                JsonNode body = request.hasBody() ? request.body() : JSON.createObjectNode();
                return ArmResponse.json(existed ? 200 : 201, put(id, body));
            }
            case "PATCH" -> {
                Optional<ObjectNode> changed = update(id, node -> merge(node, request.body()));
                return changed.<ArmResponse>map(ArmResponse::ok).orElseGet(() -> notFound(id));
            }
            case "DELETE" -> {
                return ArmResponse.empty(delete(id) ? 200 : 204);
            }
            default -> {
                return ArmResponse.error(405, "MethodNotAllowed", request.method() + " " + request.path());
            }
        }
    }

    /** ARM's 404 for a missing resource (or resource group). */
    public static ArmResponse notFound(String id) {
        String type = ArmIds.type(id);
        if (type.equals("Microsoft.Resources/resourceGroups")) {
            return ArmResponse.error(404, "ResourceGroupNotFound",
                    "Resource group '" + ArmIds.leaf(id) + "' could not be found.");
        }
        return ArmResponse.error(404, "ResourceNotFound", "The Resource '" + type + "/" + ArmIds.name(id)
                + "' under resource group '" + ArmIds.resourceGroup(id) + "' was not found. For more details please "
                + "go to https://aka.ms/ARMResourceNotFoundFix");
    }

    private ArmResponse list(java.util.function.Predicate<String> keys) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode value = out.putArray("value");
        synchronized (store) {
            for (Map.Entry<String, ObjectNode> e : store.entrySet()) {
                if (keys.test(e.getKey())) {
                    value.add(e.getValue().deepCopy());
                }
            }
        }
        return ArmResponse.ok(out);
    }

    private static ObjectNode normalize(String id, JsonNode json) {
        ObjectNode node = json != null && json.isObject() ? ((ObjectNode) json).deepCopy() : JSON.createObjectNode();
        String canonical = "/" + String.join("/", ArmIds.segments(id));
        node.put("id", canonical);
        node.put("name", ArmIds.name(canonical));
        node.put("type", ArmIds.type(canonical));
        JsonNode properties = node.get("properties");
        ObjectNode props = properties != null && properties.isObject() ? (ObjectNode) properties : node.putObject("properties");
        if (!props.has("provisioningState")) {
            props.put("provisioningState", "Succeeded");
        }
        return node;
    }

    /** JSON merge of {@code patch} into {@code target} (objects merged deeply, other values replaced; null removes). */
    public static void merge(ObjectNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = target.get(e.getKey());
            if (e.getValue().isNull()) {
                target.remove(e.getKey());
            } else if (existing != null && existing.isObject() && e.getValue().isObject()) {
                merge((ObjectNode) existing, e.getValue());
            } else {
                target.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private void write(HttpExchange exchange, String method, ArmResponse response) throws IOException {
        try (exchange) {
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            String requestId = UUID.randomUUID().toString();
            exchange.getResponseHeaders().add("x-ms-request-id", requestId);
            exchange.getResponseHeaders().add("x-ms-correlation-request-id", requestId);
            byte[] bytes = response.body() == null ? new byte[0] : JSON.writeValueAsBytes(response.body());
            if (bytes.length > 0) {
                exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            }
            boolean noBody = bytes.length == 0 || method.equals("HEAD") || response.status() == 204;
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : bytes.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    /** Stops the server and closes what was registered with {@link #onClose} (processes, proxies). */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            toClose = new ArrayList<>(closeables);
            closeables.clear();
        }
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing " + c, e);
            }
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
