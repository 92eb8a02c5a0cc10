package dev.cutover.sampleapp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * "The application being deployed": a JDK-only HTTP service with switchable faults.
 *
 * <ul>
 *   <li>{@code GET /} → 200 {@code version=<v>[ slot=<s>]}, subject to {@code SAMPLE_ERROR_RATE} and
 *       {@code SAMPLE_LATENCY_MS}. The error rate is applied deterministically: with rate r, request n (1-based)
 *       fails iff floor(n·r) &gt; floor((n-1)·r), so exactly r of the requests fail, evenly spread.</li>
 *   <li>{@code /health} → 200 {@code {"status":"UP"}} or 503 {@code {"status":"DOWN","reason":...}}</li>
 *   <li>{@code /ready} → 200/503 likewise (503 during {@code SAMPLE_START_DELAY_MS} and while stopping)</li>
 *   <li>{@code /metrics} → Prometheus text: {@code requests_total{path}}, {@code errors_total{path}}</li>
 * </ul>
 */
public final class SampleApp implements AutoCloseable {

    static {
        // The JDK server writes headers and body separately; with Nagle on, each response waits ~40 ms for the
        // client's delayed ACK. Read once when the JDK's server config class loads, so set it before any server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private static final List<String> PATHS = List.of("/", "/health", "/ready", "/metrics", "/fault");
    /** Query parameters of {@code POST /fault} and the settings they change. */
    private static final Map<String, String> FAULT_PARAMETERS = Map.of(
            "error-rate", SampleConfig.ERROR_RATE,
            "latency-ms", SampleConfig.LATENCY_MS,
            "fail-health", SampleConfig.FAIL_HEALTH);
    private static final int STOP_GRACE_SECONDS = 2;

    /** Swapped whole by {@code POST /fault}; everything else reads it once per request. */
    private volatile SampleConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong rootRequests = new AtomicLong();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();

    private SampleApp(SampleConfig config) throws IOException {
        this.config = config;
        for (String path : PATHS) {
            requests.put(path, new AtomicLong());
            errors.put(path, new AtomicLong());
        }
        requests.put("other", new AtomicLong());
        errors.put("other", new AtomicLong());
        AtomicInteger threadNo = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.threads(), r -> {
            Thread t = new Thread(r, "sample-app-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), config.port()), 128);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts a sample app (settings keyed by environment-variable names, see {@link SampleConfig}). */
    public static SampleApp start(Map<String, String> settings) throws IOException {
        return start(SampleConfig.from(settings));
    }

    public static SampleApp start(SampleConfig config) throws IOException {
        return new SampleApp(config);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String version() {
        return config.version();
    }

    /** Requests received on {@code /} so far. */
    public long rootRequests() {
        return rootRequests.get();
    }

    public SampleConfig config() {
        return config;
    }

    /** Stops gracefully: no new connections, in-flight exchanges get up to a couple of seconds to finish. */
    @Override
    public void close() {
        if (stopping.compareAndSet(false, true)) {
            // JDK 17's HttpServer.stop(delay) always waits the whole delay when no exchange is active
            // (fixed only in JDK 21), so wait for our own in-flight count and then stop at once.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_GRACE_SECONDS);
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            server.stop(0);
            executor.shutdown();
            try {
                executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String key = PATHS.contains(path) ? path : "other";
        requests.get(key).incrementAndGet();
        inFlight.incrementAndGet();
        int status;
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
            status = switch (key) {
                case "/" -> root(exchange);
                case "/health" -> health(exchange);
                case "/ready" -> ready(exchange);
                case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics());
                case "/fault" -> fault(exchange);
                default -> send(exchange, 404, "text/plain; charset=utf-8", "not found: " + path + "\n");
            };
        } catch (RuntimeException | IOException e) {
            errors.get(key).incrementAndGet();
            throw e;
        } finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
        if (status >= 500) {
            errors.get(key).incrementAndGet();
        }
    }

    private int root(HttpExchange exchange) throws IOException {
        long n = rootRequests.incrementAndGet();
        if (config.latencyMs() > 0) {
            try {
                Thread.sleep(config.latencyMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        exchange.getResponseHeaders().set("X-Cutover-Version", config.version());
        double rate = config.errorRate();
        if (rate > 0 && Math.floor(n * rate) > Math.floor((n - 1) * rate)) {
            return send(exchange, 500, "text/plain; charset=utf-8",
                    "injected error (SAMPLE_ERROR_RATE=" + rate + ") version=" + config.version() + "\n");
        }
        String body = "version=" + config.version() + config.slot().map(s -> " slot=" + s).orElse("") + "\n";
        return send(exchange, 200, "text/plain; charset=utf-8", body);
    }

    /**
     * Changes faults while running ({@code POST /fault?error-rate=0.2&latency-ms=500&fail-health=true}), so a
     * benchmark or test knows the exact moment a version starts failing. Loopback-only, like the whole app.
     */
    private int fault(HttpExchange exchange) throws IOException {
        if (!"POST".equalsIgnoreCase(exchange.getRequestMethod())) {
            return send(exchange, 405, "text/plain; charset=utf-8", "POST /fault?error-rate=&latency-ms=&fail-health=\n");
        }
        Map<String, String> settings = new java.util.HashMap<>(config.asSettings());
        String query = exchange.getRequestURI().getRawQuery();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            String setting = FAULT_PARAMETERS.get(name);
            if (setting == null) {
                return send(exchange, 400, "text/plain; charset=utf-8",
                        "unknown fault '" + name + "'; known: " + FAULT_PARAMETERS.keySet() + "\n");
            }
            settings.put(setting, value);
        }
        try {
            config = SampleConfig.from(settings);
        } catch (IllegalArgumentException e) {
            return send(exchange, 400, "text/plain; charset=utf-8", e.getMessage() + "\n");
        }
        System.out.println("SAMPLE-APP FAULT " + settings);
        return send(exchange, 200, "text/plain; charset=utf-8", "faults now: error-rate=" + config.errorRate()
                + " latency-ms=" + config.latencyMs() + " fail-health=" + config.failHealth() + "\n");
    }

    private int health(HttpExchange exchange) throws IOException {
        String reason = null;
        if (config.failHealth()) {
            reason = "SAMPLE_FAIL_HEALTH is set";
        } else if (config.failHealthAfterRequests() > 0 && rootRequests.get() >= config.failHealthAfterRequests()) {
            reason = "broken after " + config.failHealthAfterRequests() + " requests (SAMPLE_FAIL_HEALTH_AFTER_REQUESTS)";
        }
        return status(exchange, reason);
    }

    private int ready(HttpExchange exchange) throws IOException {
        String reason = null;
        long upMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        if (stopping.get()) {
            reason = "stopping";
        } else if (upMs < config.startDelayMs()) {
            reason = "starting (SAMPLE_START_DELAY_MS=" + config.startDelayMs() + ", up " + upMs + " ms)";
        }
        return status(exchange, reason);
    }

    private int status(HttpExchange exchange, String downReason) throws IOException {
        String json = downReason == null
                ? "{\"status\":\"UP\",\"version\":\"" + json(config.version()) + "\"}"
                : "{\"status\":\"DOWN\",\"reason\":\"" + json(downReason) + "\",\"version\":\"" + json(config.version()) + "\"}";
        return send(exchange, downReason == null ? 200 : 503, "application/json", json);
    }

    private String metrics() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP requests_total HTTP requests received, by path\n# TYPE requests_total counter\n");
        requests.forEach((path, count) ->
                out.append("requests_total{path=\"").append(label(path)).append("\"} ").append(count.get()).append('\n'));
        out.append("# HELP errors_total HTTP requests answered with 5xx, by path\n# TYPE errors_total counter\n");
        errors.forEach((path, count) ->
                out.append("errors_total{path=\"").append(label(path)).append("\"} ").append(count.get()).append('\n'));
        out.append("# HELP sample_app_info Version and slot of this instance\n# TYPE sample_app_info gauge\n")
                .append("sample_app_info{version=\"").append(label(config.version()))
                .append("\",slot=\"").append(label(config.slot().orElse(""))).append("\"} 1\n");
        return out.toString();
    }

    private static int send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equalsIgnoreCase(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        return status;
    }

    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String json(String value) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * A start that fails on purpose: with {@code SAMPLE_FAIL_FIRST_STARTS=N} and a counter file
     * ({@code SAMPLE_START_COUNTER_FILE}), the first N starts exit at once — a transient infrastructure-like
     * failure that a retry gets past.
     */
    static boolean failThisStart(String failFirstStarts, String counterFile) throws IOException {
        if (failFirstStarts == null || failFirstStarts.isBlank() || counterFile == null || counterFile.isBlank()) {
            return false;
        }
        java.nio.file.Path file = java.nio.file.Path.of(counterFile);
        long starts = java.nio.file.Files.exists(file) ? Long.parseLong(java.nio.file.Files.readString(file).trim()) : 0;
        java.nio.file.Files.writeString(file, String.valueOf(starts + 1));
        return starts < Long.parseLong(failFirstStarts.trim());
    }

    public static void main(String[] args) {
        try {
            if (failThisStart(System.getenv("SAMPLE_FAIL_FIRST_STARTS"), System.getenv("SAMPLE_START_COUNTER_FILE"))) {
                System.err.println("sample-app: failing this start on purpose (SAMPLE_FAIL_FIRST_STARTS)");
                System.exit(3);
            }
        } catch (IOException | NumberFormatException e) {
            System.err.println("sample-app: SAMPLE_FAIL_FIRST_STARTS / SAMPLE_START_COUNTER_FILE unusable: " + e);
            System.exit(2);
        }
        SampleApp app;
        try {
            app = start(SampleConfig.fromEnvironment());
        } catch (IllegalArgumentException e) {
            System.err.println("sample-app: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IOException e) {
            System.err.println("sample-app: cannot listen: " + e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "sample-app-shutdown"));
        System.out.println("SAMPLE-APP READY port=" + app.port() + " version=" + app.version());
        System.out.flush();
    }
}
