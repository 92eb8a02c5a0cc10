package dev.cutover.azure.standin.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.azure.standin.ArmIds;
import dev.cutover.azure.standin.ArmRequest;
import dev.cutover.azure.standin.ArmResponse;
import dev.cutover.azure.standin.ArmStandIn;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * App Service ({@code Microsoft.Web}) on the ARM stand-in: sites and their slots, {@code config/web} (with
 * {@code experiments.rampUpRules}), {@code config/appsettings} (PUT, POST list), {@code slotsswap}, {@code start},
 * {@code stop}, {@code restart}. A slot whose app settings carry {@code WEBSITE_RUN_FROM_PACKAGE} naming a jar runs
 * it as a real process ({@code java -jar}, the app settings as its environment plus {@code PORT}), started again
 * when the settings change. Each slot's {@code defaultHostName} is {@code 127.0.0.1:<port>} of a proxy that stays
 * with the slot while a swap exchanges the contents (settings and process) behind it; the production proxy sends
 * the ramp-up rule's share to the staging content. Key Vault references in settings are passed on as written (the
 * stand-in resolves nothing). Everything started is stopped when the stand-in closes.
 */
public final class WebStandIn implements AutoCloseable {

    /** The App Service setting naming the package the slot runs. */
    public static final String RUN_FROM_PACKAGE = "WEBSITE_RUN_FROM_PACKAGE";
    public static final String PRODUCTION = "production";

    private static final Logger LOG = Logger.getLogger(WebStandIn.class.getName());
    private static final String SITE = "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Web/sites/[^/]+";
    private static final String SLOT = "(?:/slots/[^/]+)?";

    /** How slots' processes are started. */
    public record Options(String java, List<String> javaOptions, Duration startTimeout, Path logDir) {

        public static Options defaults() {
            return new Options(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), Duration.ofSeconds(30),
                    Path.of(System.getProperty("java.io.tmpdir"), "cutover-web-stand-in"));
        }
    }

    /** What a slot holds (a swap exchanges it): the settings and the process they started. */
    private static final class Content {
        Map<String, String> settings = new LinkedHashMap<>();
        boolean running = true;
        Process process;
        Integer port;
    }

    private final class Site {
        final String id;
        final Map<String, Content> contents = new ConcurrentHashMap<>();
        final Map<String, SlotProxy> proxies = new ConcurrentHashMap<>();

        Site(String id) {
            this.id = id;
        }

        String resourceId(String slot) {
            return slot.equalsIgnoreCase(PRODUCTION) ? id : id + "/slots/" + slot;
        }

        Content content(String slot) {
            return contents.computeIfAbsent(slot.toLowerCase(Locale.ROOT), s -> new Content());
        }

        synchronized SlotProxy proxy(String slot) throws IOException {
            String key = slot.toLowerCase(Locale.ROOT);
            SlotProxy existing = proxies.get(key);
            if (existing != null) {
                return existing;
            }
            SlotProxy proxy = key.equals(PRODUCTION)
                    ? new SlotProxy(() -> destination(key), this::rampDestination, this::rampPercent, arm.metrics())
                    : new SlotProxy(() -> destination(key), null, null, arm.metrics());
            proxies.put(key, proxy);
            return proxy;
        }

        SlotProxy.Destination destination(String slot) {
            Content content = content(slot);
            synchronized (content) {
                return new SlotProxy.Destination(content.running ? content.port : null, resourceId(slot));
            }
        }

        /** The first ramp-up rule of the production config: its percentage, and the slot its host name is. */
        private Optional<JsonNode> rampRule() {
            return arm.resource(id + "/config/web").map(c -> c.path("properties").path("experiments").path("rampUpRules"))
                    .filter(JsonNode::isArray).filter(r -> !r.isEmpty()).map(r -> r.get(0));
        }

        int rampPercent() {
            return rampRule().map(r -> (int) Math.round(r.path("reroutePercentage").asDouble(0))).orElse(0);
        }

        SlotProxy.Destination rampDestination() {
            String host = rampRule().map(r -> r.path("actionHostName").asText("")).orElse("");
            for (Map.Entry<String, SlotProxy> e : proxies.entrySet()) {
                if (e.getValue().hostName().equalsIgnoreCase(host)) {
                    return destination(e.getKey());
                }
            }
            return destination("staging");
        }
    }

    private final ArmStandIn arm;
    private final Options options;
    private final Map<String, Site> sites = new ConcurrentHashMap<>();

    private WebStandIn(ArmStandIn arm, Options options) {
        this.arm = arm;
        this.options = options;
    }

    /** Adds App Service behaviour to {@code arm}; its processes and proxies stop when {@code arm} closes. */
    public static WebStandIn install(ArmStandIn arm) {
        return install(arm, Options.defaults());
    }

    public static WebStandIn install(ArmStandIn arm, Options options) {
        WebStandIn web = new WebStandIn(arm, options);
        arm.onClose(web);
        arm.route("PUT", SITE + SLOT, web::putSite);
        // Microsoft.Web answers a create with 200, and its SDK clients take only 200 / 202
        arm.route("PUT", "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.Web/serverfarms/[^/]+",
                r -> created200(arm.generic(r)));
        arm.route("PUT", SITE + SLOT + "/config/appsettings", web::putSettings);
        arm.route("POST", SITE + SLOT + "/config/appsettings/list", web::listSettings);
        arm.route(null, SITE + SLOT + "/config/web", web::config);
        arm.route("POST", SITE + SLOT + "/slotsswap", web::swap);
        arm.route("POST", SITE + SLOT + "/(start|stop|restart)", web::power);
        arm.route("DELETE", SITE + SLOT, web::deleteSite);
        return web;
    }

    // ---- what tests read ----

    /** The host name ({@code 127.0.0.1:<port>}) of a slot ({@code production} for the site itself). */
    public Optional<String> hostName(String siteId, String slot) {
        Site site = sites.get(ArmIds.key(siteId));
        SlotProxy proxy = site == null ? null : site.proxies.get(slot.toLowerCase(Locale.ROOT));
        return Optional.ofNullable(proxy).map(SlotProxy::hostName);
    }

    /** The app settings a slot holds now (after swaps). */
    public Map<String, String> settings(String siteId, String slot) {
        Site site = sites.get(ArmIds.key(siteId));
        if (site == null) {
            return Map.of();
        }
        Content content = site.content(slot);
        synchronized (content) {
            return Map.copyOf(content.settings);
        }
    }

    /** Whether a process runs for the slot's content now. */
    public boolean runs(String siteId, String slot) {
        Site site = sites.get(ArmIds.key(siteId));
        if (site == null) {
            return false;
        }
        Content content = site.content(slot);
        synchronized (content) {
            return content.running && content.process != null && content.process.isAlive();
        }
    }

    // ---- handlers ----

    private static boolean isSlot(String path) {
        return path.toLowerCase(Locale.ROOT).matches(".*/sites/[^/]+/slots/[^/]+(/.*)?");
    }

    private static String siteId(String path) {
        List<String> seg = new ArrayList<>(List.of(path.split("/")));
        seg.removeIf(String::isEmpty);
        int sites = -1;
        for (int i = 0; i < seg.size(); i++) {
            if (seg.get(i).equalsIgnoreCase("sites")) {
                sites = i;
                break;
            }
        }
        return "/" + String.join("/", seg.subList(0, sites + 2));
    }

    private static String slotName(String path) {
        if (!isSlot(path)) {
            return PRODUCTION;
        }
        List<String> seg = new ArrayList<>(List.of(path.split("/")));
        seg.removeIf(String::isEmpty);
        for (int i = 0; i < seg.size() - 1; i++) {
            if (seg.get(i).equalsIgnoreCase("slots")) {
                return seg.get(i + 1).toLowerCase(Locale.ROOT);
            }
        }
        return PRODUCTION;
    }

    private Site site(String siteId) {
        return sites.computeIfAbsent(ArmIds.key(siteId), k -> new Site(siteId));
    }

    private ArmResponse putSite(ArmRequest request) throws IOException {
        String siteId = siteId(request.path());
        String slot = slotName(request.path());
        if (!slot.equals(PRODUCTION) && !arm.exists(siteId)) {
            return ArmStandIn.notFound(siteId);
        }
        ArmResponse stored = arm.generic(request);
        if (stored.status() >= 300) {
            return stored;
        }
        Site site = site(siteId);
        String host = site.proxy(slot).hostName();
        String resourceId = stored.body().path("id").asText();
        JsonNode siteConfig = request.body().path("properties").path("siteConfig");
        ObjectNode updated = arm.update(resourceId, node -> {
            ObjectNode props = (ObjectNode) node.path("properties");
            props.put("defaultHostName", host);
            props.putArray("hostNames").add(host);
            props.putArray("enabledHostNames").add(host);
            props.put("state", site.content(slot).running ? "Running" : "Stopped");
            props.remove("siteConfig");
            if (node.path("identity").path("type").asText("").contains("SystemAssigned")) {
                ObjectNode identity = (ObjectNode) node.path("identity");
                if (!identity.has("principalId")) {
                    identity.put("principalId", UUID.randomUUID().toString());
                    identity.put("tenantId", "00000000-0000-0000-0000-000000000000");
                }
            }
        }).orElseThrow();
        if (siteConfig.isObject()) {
            String configId = resourceId + "/config/web";
            ObjectNode config = arm.resource(configId).orElseGet(() -> ArmStandIn.JSON.createObjectNode());
            ObjectNode patch = ArmStandIn.JSON.createObjectNode();
            patch.set("properties", siteConfig);
            ArmStandIn.merge(config, patch);
            arm.put(configId, config);
        }
        return ArmResponse.json(200, updated);
    }

    private static ArmResponse created200(ArmResponse response) {
        return response.status() == 201 ? new ArmResponse(200, response.headers(), response.body()) : response;
    }

    private ArmResponse putSettings(ArmRequest request) throws IOException {
        String siteId = siteId(request.path());
        String slot = slotName(request.path());
        Site site = sites.get(ArmIds.key(siteId));
        if (site == null || !arm.exists(site.resourceId(slot))) {
            return ArmStandIn.notFound(site == null ? siteId : site.resourceId(slot));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = request.body().path("properties").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            settings.put(e.getKey(), e.getValue().asText());
        }
        Content content = site.content(slot);
        synchronized (content) {
            content.settings = settings;
            restart(site, slot, content);
        }
        return ArmResponse.ok(settingsBody(site, slot, settings));
    }

    private ArmResponse listSettings(ArmRequest request) {
        String siteId = siteId(request.path());
        String slot = slotName(request.path());
        Site site = sites.get(ArmIds.key(siteId));
        if (site == null || !arm.exists(site.resourceId(slot))) {
            return ArmStandIn.notFound(site == null ? siteId : site.resourceId(slot));
        }
        Content content = site.content(slot);
        synchronized (content) {
            return ArmResponse.ok(settingsBody(site, slot, content.settings));
        }
    }

    private static ObjectNode settingsBody(Site site, String slot, Map<String, String> settings) {
        ObjectNode body = ArmStandIn.JSON.createObjectNode();
        body.put("id", site.resourceId(slot) + "/config/appsettings");
        body.put("name", "appsettings");
        body.put("type", slot.equals(PRODUCTION) ? "Microsoft.Web/sites/config" : "Microsoft.Web/sites/slots/config");
        ObjectNode props = body.putObject("properties");
        settings.forEach(props::put);
        return body;
    }

    /** {@code config/web} exists with its site: a GET or PATCH before any PUT finds an empty one. */
    private ArmResponse config(ArmRequest request) {
        String siteId = siteId(request.path());
        String slot = slotName(request.path());
        Site site = sites.get(ArmIds.key(siteId));
        if (site == null || !arm.exists(site.resourceId(slot))) {
            return ArmStandIn.notFound(site == null ? siteId : site.resourceId(slot));
        }
        String configId = site.resourceId(slot) + "/config/web";
        if (!arm.exists(configId)) {
            arm.put(configId, ArmStandIn.JSON.createObjectNode());
        }
        return null; // the generic GET / PUT / PATCH
    }

    private ArmResponse swap(ArmRequest request) {
        String siteId = siteId(request.path());
        String source = slotName(request.path());
        String target = request.body().path("targetSlot").asText(PRODUCTION).toLowerCase(Locale.ROOT);
        Site site = sites.get(ArmIds.key(siteId));
        if (site == null || !arm.exists(site.resourceId(source)) || !arm.exists(site.resourceId(target))) {
            return ArmResponse.error(404, "ResourceNotFound", "slot " + source + " or " + target + " of " + siteId
                    + " does not exist");
        }
        if (source.equals(target)) {
            return ArmResponse.error(400, "BadRequest", "cannot swap slot " + source + " with itself");
        }
        synchronized (site) {
            Content a = site.content(source);
            Content b = site.content(target);
            site.contents.put(source, b);
            site.contents.put(target, a);
            for (String slot : List.of(source, target)) {
                boolean running = site.content(slot).running;
                arm.update(site.resourceId(slot), n -> ((ObjectNode) n.path("properties"))
                        .put("state", running ? "Running" : "Stopped"));
            }
        }
        LOG.info(() -> "swapped " + source + " and " + target + " of " + siteId);
        return arm.accepted(request, 202, 1, null);
    }

    private ArmResponse power(ArmRequest request) throws IOException {
        String siteId = siteId(request.path());
        String slot = slotName(request.path());
        String action = request.group(1).toLowerCase(Locale.ROOT);
        Site site = sites.get(ArmIds.key(siteId));
        if (site == null || !arm.exists(site.resourceId(slot))) {
            return ArmStandIn.notFound(site == null ? siteId : site.resourceId(slot));
        }
        Content content = site.content(slot);
        synchronized (content) {
            content.running = !action.equals("stop");
            if (action.equals("stop")) {
                kill(content);
            } else if (action.equals("restart") || content.process == null || !content.process.isAlive()) {
                restart(site, slot, content);
            }
        }
        arm.update(site.resourceId(slot), n -> ((ObjectNode) n.path("properties"))
                .put("state", content.running ? "Running" : "Stopped"));
        return ArmResponse.empty(200);
    }

    private ArmResponse deleteSite(ArmRequest request) {
        String siteId = siteId(request.path());
        String slot = slotName(request.path());
        Site site = sites.get(ArmIds.key(siteId));
        if (site != null) {
            if (slot.equals(PRODUCTION)) {
                sites.remove(ArmIds.key(siteId));
                close(site);
            } else {
                Content content = site.contents.remove(slot);
                if (content != null) {
                    synchronized (content) {
                        kill(content);
                    }
                }
                SlotProxy proxy = site.proxies.remove(slot);
                if (proxy != null) {
                    proxy.close();
                }
            }
        }
        return null; // the generic DELETE
    }

    // ---- processes ----

    /** Stops the content's process and starts it again from its settings (if it should run and has a jar). */
    private void restart(Site site, String slot, Content content) throws IOException {
        kill(content);
        if (!content.running) {
            return;
        }
        String setting = content.settings.get(RUN_FROM_PACKAGE);
        String pkg = setting != null && setting.startsWith("file:") ? setting.substring("file:".length()) : setting;
        if (pkg == null || !pkg.toLowerCase(Locale.ROOT).endsWith(".jar") || !new File(pkg).isFile()) {
            if (pkg != null) {
                LOG.warning(() -> site.resourceId(slot) + ": " + RUN_FROM_PACKAGE + " " + pkg + " is no jar here: runs nothing");
            }
            return;
        }
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(options.java());
        command.addAll(options.javaOptions());
        command.add("-jar");
        command.add(pkg);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(content.settings);
        builder.environment().put("PORT", Integer.toString(port));
        Files.createDirectories(options.logDir());
        File log = options.logDir().resolve(ArmIds.name(site.id).replace('/', '_') + "-" + slot + "-" + port + ".log").toFile();
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        content.process = process;
        content.port = port;
        long deadline = System.nanoTime() + options.startTimeout().toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            if (accepts(port)) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warning(() -> site.resourceId(slot) + ": the package did not come up on port " + port + " (log " + log + ")");
    }

    private static void kill(Content content) {
        Process process = content.process;
        content.process = null;
        content.port = null;
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void close(Site site) {
        for (Content content : site.contents.values()) {
            synchronized (content) {
                kill(content);
            }
        }
        site.proxies.values().forEach(SlotProxy::close);
        site.proxies.clear();
    }

    /** Stops every process and proxy. */
    @Override
    public void close() {
        for (Site site : sites.values()) {
            close(site);
        }
        sites.clear();
    }
}
