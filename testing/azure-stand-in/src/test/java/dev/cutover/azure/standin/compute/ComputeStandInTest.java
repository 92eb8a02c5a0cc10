package dev.cutover.azure.standin.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.azure.standin.ArmStandIn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compute part over plain HTTP: a scale-set instance is a real process of its model's artifact, reachable on its
 * NAT port; the frontend serves only pool members; a deleted instance is gone with its process.
 */
class ComputeStandInTest {

    private static final String GROUP = "/subscriptions/s1/resourceGroups/rg";
    private static final String LB = GROUP + "/providers/Microsoft.Network/loadBalancers/web-lb";
    private static final String VMSS = GROUP + "/providers/Microsoft.Compute/virtualMachineScaleSets/web";
    private static final String API = "?api-version=2024-07-01";

    @TempDir
    Path dir;

    private ArmStandIn arm;
    private ComputeStandIn compute;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        arm = ArmStandIn.start();
        compute = ComputeStandIn.install(arm, dir, List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        arm.put(GROUP, ArmStandIn.JSON.createObjectNode().put("location", "westeurope"));
    }

    @AfterEach
    void tearDown() {
        arm.close();
    }

    @Test
    void instancesRunTheirModelServeThroughThePoolAndGoWhenDeleted() throws Exception {
        Path jar = Path.of(System.getProperty("cutover.root", "../..")).resolve("deploy/sample-app/target/sample-app.jar");
        assertTrue(Files.isRegularFile(jar), jar + " missing: build deploy/sample-app first");
        send("PUT", LB, """
                {"location": "westeurope", "properties": {
                  "frontendIPConfigurations": [{"name": "frontend"}],
                  "backendAddressPools": [{"name": "serving", "id": "%1$s/backendAddressPools/serving"}],
                  "inboundNatPools": [{"name": "instances", "id": "%1$s/inboundNatPools/instances",
                                       "properties": {"backendPort": 8080}}],
                  "loadBalancingRules": [{"name": "http", "properties": {"frontendPort": 80, "backendPort": 8080}}]}}
                """.formatted(LB));
        String boot = Base64.getEncoder().encodeToString(("{\"version\": \"v7\", \"artifact\": \"" + jar
                + "\", \"environment\": {}}").getBytes(StandardCharsets.UTF_8));
        assertEquals(201, send("PUT", VMSS, """
                {"location": "westeurope", "sku": {"name": "Standard_B2s", "capacity": 1}, "properties": {
                  "upgradePolicy": {"mode": "Manual"}, "virtualMachineProfile": {"userData": "%s",
                  "networkProfile": {"networkInterfaceConfigurations": [{"name": "nic", "properties": {
                    "ipConfigurations": [{"name": "ipconfig", "properties": {
                      "loadBalancerInboundNatPools": [{"id": "%s/inboundNatPools/instances"}]}}]}}]}}}}
                """.formatted(boot, LB)).statusCode());

        await().atMost(Duration.ofSeconds(30)).until(() -> json(send("GET", VMSS + "/virtualMachines/0/instanceView",
                null)).toString().contains("PowerState/running"));
        JsonNode lb = json(send("GET", LB, null));
        int frontend = lb.at("/properties/loadBalancingRules/0/properties/frontendPort").asInt();
        int nat = lb.at("/properties/inboundNatRules/0/properties/frontendPort").asInt();
        assertTrue(get(nat).body().contains("v7"), "the instance answers on its NAT port");
        assertEquals(503, get(frontend).statusCode(), "not in the pool yet: the frontend has no member");

        ObjectNode vm = (ObjectNode) json(send("GET", VMSS + "/virtualMachines/0", null));
        ((ObjectNode) vm.at("/properties/networkProfileConfiguration/networkInterfaceConfigurations/0/properties"
                + "/ipConfigurations/0/properties")).putArray("loadBalancerBackendAddressPools").addObject()
                .put("id", LB + "/backendAddressPools/serving");
        assertEquals(202, send("PUT", VMSS + "/virtualMachines/0", vm.toString()).statusCode());
        assertTrue(get(frontend).body().contains("v7"), "a pool member serves through the frontend");
        assertEquals(List.of("0"), compute.poolMembers(LB));

        assertEquals(202, send("POST", VMSS + "/delete", "{\"instanceIds\": [\"0\"]}").statusCode());
        assertEquals(0, json(send("GET", VMSS, null)).at("/sku/capacity").asInt());
        assertEquals(0, json(send("GET", VMSS + "/virtualMachines", null)).path("value").size());
        assertTrue(compute.events().stream().anyMatch(e -> e.kind().equals("deleted") && e.instanceId().equals("0")));
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(arm.url() + path + API))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return ArmStandIn.JSON.readTree(response.body());
    }
}
