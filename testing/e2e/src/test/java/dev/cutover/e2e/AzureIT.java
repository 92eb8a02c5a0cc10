package dev.cutover.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.azure.standin.Call;
import dev.cutover.local.TrafficLoop;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The five services on the real broker against the Azure Resource Manager stand-in, whose App Service slots and scale
 * set instances are real sample-app processes: blue-green is a slot swap (and a swap back), canary the production
 * site's routing percentage judged from Azure Monitor, rolling a scale set's instances one at a time, and production
 * holds its plan for approval before anything is created.
 */
class AzureIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static String version(URI base) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "status " + r.statusCode();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private static Map<String, Object> on(String app, String kind, Map<String, Object> more) {
        Map<String, Object> merged = new LinkedHashMap<>(CanaryIT.fast(AzureStandIns.target(app, kind)));
        Deployments.deepMerge(merged, more);
        return merged;
    }

    private static URI host(AzureStandIns azure, String app, String slot) {
        return URI.create("http://" + azure.web().hostName(AzureStandIns.siteId(app), slot).orElseThrow() + "/");
    }

    private static List<String> changes(AzureStandIns azure, int mark) {
        return azure.arm().calls().since(mark).stream().filter(c -> !c.isPoll() && !"GET".equals(c.method()))
                .filter(c -> !("POST".equals(c.method()) && c.path().endsWith("/list"))) // ARM's reads by POST
                .map(Call::line).toList();
    }

    @Test
    void blueGreenOnAppServiceIsASlotSwapAndItsRollbackASwapBack() {
        AzureStandIns azure = AzureStandIns.get();
        Deployments d = new Deployments("az-bg");
        JsonNode v1 = d.run("1.0.0", "blue-green", on(d.app, "app-service", Map.of()));
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);
        URI production = host(azure, d.app, "production");
        assertTrue(version(production).contains("1.0.0"), () -> version(production));

        try (TrafficLoop traffic = TrafficLoop.start(production, 40)) {
            int mark = azure.arm().calls().size();
            JsonNode v2 = d.run("2.0.0", "blue-green", on(d.app, "app-service", Map.of()));
            assertEquals("SUCCEEDED", v2.path("status").asText(), v2::toString);
            List<String> v2Changes = changes(azure, mark);
            assertTrue(v2Changes.stream().anyMatch(l -> l.startsWith("PUT ") && l.endsWith("/slots/staging/config/appsettings")),
                    v2Changes::toString);
            assertTrue(v2Changes.stream().anyMatch(l -> l.endsWith("/slots/staging/slotsswap")), v2Changes::toString);
            await().atMost(Duration.ofSeconds(10)).until(() -> version(production).contains("2.0.0"));

            // v3 breaks under the traffic once it is live: the monitor sees it on the production host, and the
            // rollback is one swap back to v2, which stayed warm in staging (no deployment to it in between)
            mark = azure.arm().calls().size();
            JsonNode v3 = d.run("3.0.0", "blue-green", on(d.app, "app-service",
                    CanaryIT.appEnv("SAMPLE_FAIL_HEALTH_AFTER_REQUESTS", "40")));
            assertEquals("ROLLED_BACK", v3.path("status").asText(), v3::toString);
            List<String> v3Changes = changes(azure, mark);
            List<String> swaps = v3Changes.stream().filter(l -> l.endsWith("/slotsswap")).toList();
            assertEquals(2, swaps.size(), "switch and swap back: " + v3Changes);
            int firstSwap = v3Changes.indexOf(swaps.get(0));
            int lastSwap = v3Changes.lastIndexOf(swaps.get(1));
            assertFalse(v3Changes.subList(firstSwap, lastSwap).stream().anyMatch(l -> l.endsWith("/config/appsettings")),
                    "nothing deployed between the swaps: " + v3Changes);
            await().atMost(Duration.ofSeconds(10)).until(() -> version(production).contains("2.0.0"));
            System.out.println("[figures] App Service blue-green traffic: " + traffic);
        }
    }

    @Test
    void canaryOnAppServiceStepsTheRoutingPercentageAndAbortsToZeroInOneCall() {
        AzureStandIns azure = AzureStandIns.get();
        Deployments d = new Deployments("az-canary");
        JsonNode v1 = d.run("1.0.0", "blue-green", on(d.app, "app-service", Map.of()));
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);
        URI production = host(azure, d.app, "production");
        String site = AzureStandIns.siteId(d.app);

        List<Integer> seen = new CopyOnWriteArrayList<>();
        // samples the production site's routing percentage every 20 ms, so each step's value is seen in order
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            int now = rampPercentage(azure, site);
            if (seen.isEmpty() || seen.get(seen.size() - 1) != now) {
                seen.add(now);
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        try (TrafficLoop traffic = TrafficLoop.start(production, 60)) {
            JsonNode v2 = d.run("2.0.0", "canary", on(d.app, "app-service", Map.of()));
            assertEquals("SUCCEEDED", v2.path("status").asText(), v2::toString);
            List<Integer> steps = new ArrayList<>(seen);
            steps.removeIf(p -> p == 0);
            assertEquals(List.of(5, 25, 50), steps, "routing percentages in order (100 is the swap): " + seen);
            assertEquals("azure-monitor", v2.path("analyses").path(0).path("decision").path("metricProvider").asText(),
                    v2::toString);
            await().atMost(Duration.ofSeconds(10)).until(() -> version(production).contains("2.0.0"));
            assertEquals(0, rampPercentage(azure, site), "after the swap all traffic is production's");

            // a canary whose own errors show in Azure Monitor: analysis fails, and the abort is one call to 0 %
            int mark = azure.arm().calls().size();
            JsonNode v3 = d.run("3.0.0", "canary", on(d.app, "app-service",
                    CanaryIT.appEnv("SAMPLE_ERROR_RATE", "0.5")));
            assertEquals("ROLLED_BACK", v3.path("status").asText(), v3::toString);
            List<String> configWrites = changes(azure, mark).stream().filter(l -> l.endsWith("/config/web")).toList();
            assertEquals(2, configWrites.size(), "5 % on, then 0 % at once: " + changes(azure, mark));
            assertEquals(0, rampPercentage(azure, site));
            await().atMost(Duration.ofSeconds(10)).until(() -> version(production).contains("2.0.0"));
            System.out.println("[figures] App Service canary: percentages " + seen + ", traffic " + traffic);
        } finally {
            sampler.shutdownNow();
        }
    }

    @Test
    void rollingOnAScaleSetReplacesInstancesOneAtATime() {
        AzureStandIns azure = AzureStandIns.get();
        Deployments d = new Deployments("az-roll");
        Map<String, Object> settings = on(d.app, "scale-set", Map.of(
                "infrastructure", Map.of("instance-count", 3),
                "rolling", Map.of("max-surge", 1, "max-unavailable", 0)));
        JsonNode v1 = d.run("1.0.0", "rolling", settings);
        assertEquals("SUCCEEDED", v1.path("status").asText(), v1::toString);
        int mark = azure.arm().calls().size();
        JsonNode v2 = d.run("2.0.0", "rolling", settings);
        assertEquals("SUCCEEDED", v2.path("status").asText(), v2::toString);
        List<String> changes = changes(azure, mark);
        System.out.println("[figures] scale-set rolling ARM changes: " + changes);
        List<String> steps = changes.stream().filter(l -> l.contains("/virtualMachineScaleSets/"))
                .filter(l -> l.matches("(PUT|PATCH) .*/virtualMachineScaleSets/[^/]+") || l.endsWith("/delete")
                        || l.endsWith("/manualupgrade"))
                .toList();
        // each new instance is one scale-out, each old one one delete, never two of the same kind in a row
        assertEquals(3, steps.stream().filter(l -> l.endsWith("/delete")).count(), steps::toString);
        for (int i = 1; i < steps.size(); i++) {
            assertFalse(steps.get(i).endsWith("/delete") && steps.get(i - 1).endsWith("/delete"),
                    "two instances out at once: " + steps);
        }
    }

    @Test
    void productionHoldsItsPlanForApprovalAndCreatesNothingBeforeIt() {
        AzureStandIns azure = AzureStandIns.get();
        Deployments d = new Deployments("az-prod");
        Map<String, Object> request = d.request("1.0.0", "blue-green", on(d.app, "app-service",
                Map.of("pipeline", Map.of("approval-before-promote", false))));
        request.put("environment", "production");
        int mark = azure.arm().calls().size();
        var response = d.client.deploy(request);
        assertEquals(202, response.status(), () -> response.body().toString());
        String id = response.body().path("id").asText();
        JsonNode held = d.awaitStatus(id, "AWAITING_APPROVAL");
        assertFalse(held.path("infrastructure").path("plan").isMissingNode(), held::toString);
        assertTrue(held.path("infrastructure").path("plan").path("changes").size() > 0, held::toString);
        assertTrue(changes(azure, mark).stream().noneMatch(l -> l.contains("/resourcegroups/rg-" + d.app)
                || l.contains("/resourceGroups/rg-" + d.app)), () -> "written before approval: " + changes(azure, mark));
        System.out.println("[figures] production plan: " + held.path("infrastructure").path("plan"));

        assertEquals(403, d.action(id, "approve").status(), "four eyes: the requester may not approve");
        assertEquals(202, d.approveAsSecondPerson(id).status());
        JsonNode done = d.client.awaitTerminal(id, Duration.ofMinutes(3));
        assertEquals("SUCCEEDED", done.path("status").asText(), done::toString);
        assertTrue(azure.arm().exists("/subscriptions/" + AzureStandIns.SUBSCRIPTION + "/resourceGroups/rg-" + d.app
                + "/providers/Microsoft.Web/serverfarms/" + d.app + "-plan"), "the plan's App Service plan exists");
    }

    private static int rampPercentage(AzureStandIns azure, String site) {
        return azure.arm().resource(site + "/config/web")
                .map(config -> config.path("properties").path("experiments").path("rampUpRules"))
                .filter(rules -> rules.size() > 0)
                .map(rules -> (int) Math.round(rules.get(0).path("reroutePercentage").asDouble()))
                .orElse(0);
    }
}
