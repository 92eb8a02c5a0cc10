package dev.cutover.provisioner.messaging;

import dev.cutover.events.Meta;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.ProvisionerCommand.ShiftTraffic;
import dev.cutover.events.ProvisionerEvent.SlotProvisioned;
import dev.cutover.events.ProvisionerEvent.TrafficShifted;
import dev.cutover.events.Target;
import dev.cutover.events.router.RouterAdminApi;
import dev.cutover.events.router.RouterAdminApi.Security;
import dev.cutover.provisioner.TestProcesses;
import dev.cutover.provisioner.slot.SlotRegistry;
import dev.cutover.provisioner.slot.TargetState;
import dev.cutover.testing.kafka.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A command's router security (the environment's {@code security.*}) through Kafka on a real broker: in force on
 * the real router process by the time the provisioner answers, kept by commands without it, back after the router
 * is started again.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
class RouterSecurityFlowTest extends ProvisionerBrokerTest {

    private static final String HSTS = "Strict-Transport-Security";
    private static final String HSTS_VALUE = "max-age=31536000; includeSubDomains";
    private static final String CSP = "Content-Security-Policy";
    private static final String PRODUCTION_CSP = "default-src 'self'; frame-ancestors 'none'";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void theRouterRedirectsAndAddsHeadersAsTheCommandsSay() throws Exception {
        Target target = new Target("shop", "sec-" + UUID.randomUUID().toString().substring(0, 8));
        int routerPort = TestProcesses.freeRouterPort();
        String router = "http://127.0.0.1:" + routerPort;
        String id = "dep-" + UUID.randomUUID();

        // a command without security (an older sender) leaves a fresh router as it is: nothing
        ProvisionSlot blue = sampleApp(Meta.start(id), target, "blue", "v1", routerPort, null);
        provisioner.send(blue);
        SlotProvisioned blueUp = provisioner.awaitReply(SlotProvisioned.class, blue);
        assertEquals(Security.OFF, security(blueUp.routerAdminUrl()));
        HttpResponse<String> unrouted = get(router + "/", null);
        assertEquals(503, unrouted.statusCode(), "no weight yet, and no redirect");
        assertEquals(Optional.empty(), unrouted.headers().firstValue(HSTS));

        // production's security arrives with a ProvisionSlot: in force when SlotProvisioned is published
        ProvisionSlot green = sampleApp(Meta.causedBy(blue.meta()), target, "green", "v2", routerPort,
                new RouterSecurity(true, true, PRODUCTION_CSP));
        provisioner.send(green);
        provisioner.awaitReply(SlotProvisioned.class, green);
        HttpResponse<String> plain = get(router + "/cart?item=7", null);
        assertEquals(308, plain.statusCode());
        assertEquals("https://127.0.0.1/cart?item=7", plain.headers().firstValue("Location").orElse(null));
        HttpResponse<String> secureUnrouted = get(router + "/", "https");
        assertEquals(503, secureUnrouted.statusCode());
        assertEquals(HSTS_VALUE, secureUnrouted.headers().firstValue(HSTS).orElse(null));
        assertEquals(PRODUCTION_CSP, secureUnrouted.headers().firstValue(CSP).orElse(null));

        // a shift without security (the rollback-service's) keeps it
        ShiftTraffic toGreen = new ShiftTraffic(Meta.causedBy(green.meta()), target, Map.of("green", 100), "switch");
        provisioner.send(toGreen);
        provisioner.awaitReply(TrafficShifted.class, toGreen);
        HttpResponse<String> served = get(router + "/", "https");
        assertEquals(200, served.statusCode());
        assertEquals("version=v2 slot=green", served.body().strip());
        assertEquals(HSTS_VALUE, served.headers().firstValue(HSTS).orElse(null));
        assertEquals(PRODUCTION_CSP, served.headers().firstValue(CSP).orElse(null));
        assertEquals(308, get(router + "/", null).statusCode());

        // a shift with another setting replaces it before the weights move
        ShiftTraffic relaxed = new ShiftTraffic(Meta.causedBy(toGreen.meta()), target, Map.of("green", 100), "config",
                new RouterSecurity(false, true, "default-src 'none'"));
        provisioner.send(relaxed);
        provisioner.awaitReply(TrafficShifted.class, relaxed);
        HttpResponse<String> overHttp = get(router + "/", null);
        assertEquals(200, overHttp.statusCode(), "https-only is off now");
        assertEquals(HSTS_VALUE, overHttp.headers().firstValue(HSTS).orElse(null));
        assertEquals("default-src 'none'", overHttp.headers().firstValue(CSP).orElse(null));

        assertEquals(new RouterSecurity(false, true, "default-src 'none'"), stored(target).security());

        // the router dies; the next command starts it again, and it gets the setting back before serving
        long routerPid = routerPid(target);
        ProcessHandle.of(routerPid).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> TestProcesses.gone(routerPid));
        ShiftTraffic toBlue = new ShiftTraffic(Meta.causedBy(relaxed.meta()), target, Map.of("blue", 100), "rollback");
        provisioner.send(toBlue);
        TrafficShifted shifted = provisioner.awaitReply(TrafficShifted.class, toBlue);
        assertNotEquals(routerPid, routerPid(target), "a new router process");
        assertEquals(new Security(false, true, "default-src 'none'"), security(shifted.routerAdminUrl()));
        HttpResponse<String> afterRestart = get(router + "/", null);
        assertEquals(200, afterRestart.statusCode());
        assertEquals("version=v1 slot=blue", afterRestart.body().strip());
        assertEquals(HSTS_VALUE, afterRestart.headers().firstValue(HSTS).orElse(null));
        assertEquals("default-src 'none'", afterRestart.headers().firstValue(CSP).orElse(null));
    }

    private static long routerPid(Target target) {
        return stored(target).routerPid();
    }

    /** The provisioner's book of the target, as persisted (what a restarted provisioner reads). */
    private static TargetState stored(Target target) {
        SlotRegistry registry = new SlotRegistry(ProvisionerTopics.WORK_DIR.resolve("state"));
        registry.load(i -> true);
        return registry.state(target);
    }

    private static Security security(String adminUrl) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        RouterAdminApi.uri(adminUrl, RouterAdminApi.SECURITY_PATH)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return RouterAdminApi.mapper().readValue(response.body(), Security.class);
    }

    /** Through the router; {@code forwardedProto} as a TLS-terminating proxy in front would set it (null: none). */
    private static HttpResponse<String> get(String url, String forwardedProto) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET();
        if (forwardedProto != null) {
            request.header("X-Forwarded-Proto", forwardedProto);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
