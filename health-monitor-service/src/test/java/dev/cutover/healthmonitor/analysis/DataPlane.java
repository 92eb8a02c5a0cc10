package dev.cutover.healthmonitor.analysis;

import dev.cutover.router.BackendSpec;
import dev.cutover.router.Router;
import dev.cutover.sampleapp.SampleApp;

import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real local data plane, in-process: a router in front of a healthy stable sample app and a canary sample app
 * with the given fault switches, weighted {@code 100 - canaryWeight} / {@code canaryWeight}.
 */
public record DataPlane(Router router, SampleApp stable, SampleApp canary) implements AutoCloseable {

    public static final String STABLE = "stable";
    public static final String CANARY = "canary";

    public static DataPlane start(Map<String, String> canaryFaults, int canaryWeight) throws IOException {
        SampleApp stable = SampleApp.start(Map.of("PORT", "0", "CUTOVER_VERSION", "v1", "CUTOVER_SLOT", STABLE));
        Map<String, String> canaryEnv = new HashMap<>(canaryFaults);
        canaryEnv.putAll(Map.of("PORT", "0", "CUTOVER_VERSION", "v2", "CUTOVER_SLOT", CANARY));
        SampleApp canary = SampleApp.start(canaryEnv);
        Router router = Router.start("shop/test", 0, 0);
        router.setBackends(List.of(
                new BackendSpec(STABLE, "http://127.0.0.1:" + stable.port(), 100 - canaryWeight, Optional.of("v1")),
                new BackendSpec(CANARY, "http://127.0.0.1:" + canary.port(), canaryWeight, Optional.of("v2"))));
        return new DataPlane(router, stable, canary);
    }

    /** The router's admin base URL: what RunAnalysis carries as metricsUrl. */
    public String metricsUrl() {
        return "http://127.0.0.1:" + router.adminPort();
    }

    public String canaryUrl() {
        return "http://127.0.0.1:" + canary.port();
    }

    public URI trafficUrl() {
        return URI.create("http://127.0.0.1:" + router.port() + "/");
    }

    @Override
    public void close() {
        router.close();
        stable.close();
        canary.close();
    }
}
