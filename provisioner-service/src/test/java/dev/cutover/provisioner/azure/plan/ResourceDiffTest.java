package dev.cutover.provisioner.azure.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.events.InfrastructurePlan.PropertyChange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Property paths, named array elements, ARM's extra read-only properties, create-only paths and the update body. */
class ResourceDiffTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onlyTheDesiredPathsCountAndValuesCompareIgnoringCase() throws Exception {
        DesiredResource desired = resource("{\"sku\":{\"name\":\"P2v3\",\"capacity\":3},\"properties\":"
                + "{\"siteConfig\":{\"ftpsState\":\"Disabled\"}}}", List.of());
        JsonNode existing = json("{\"id\":\"x\",\"sku\":{\"name\":\"p2v3\",\"capacity\":3},\"properties\":"
                + "{\"provisioningState\":\"Succeeded\",\"siteConfig\":{\"ftpsState\":\"disabled\"}}}");

        assertEquals(List.of(), ResourceDiff.changes(desired, existing));
    }

    @Test
    void namedElementsAreComparedByNameAndAnExtraOneShows() throws Exception {
        DesiredResource desired = resource("{\"properties\":{\"securityRules\":[{\"name\":\"allow-internet-443\","
                + "\"properties\":{\"destinationPortRange\":\"443\"}}]}}", List.of());
        JsonNode existing = json("{\"properties\":{\"securityRules\":[{\"name\":\"allow-internet-22\","
                + "\"properties\":{\"destinationPortRange\":\"22\"}},{\"name\":\"allow-internet-443\","
                + "\"properties\":{\"destinationPortRange\":\"443\"}}]}}");

        assertEquals(List.of(new PropertyChange("properties.securityRules[*]", "allow-internet-22,allow-internet-443",
                "allow-internet-443")), ResourceDiff.changes(desired, existing));
    }

    @Test
    void aResourceToCreateHasEveryPropertyFromAbsent() throws Exception {
        DesiredResource desired = resource("{\"location\":\"westeurope\",\"sku\":{\"name\":\"Standard_GRS\"}}",
                List.of());

        assertEquals(List.of(new PropertyChange("location", null, "westeurope"),
                new PropertyChange("sku.name", null, "Standard_GRS")), ResourceDiff.changes(desired, null));
    }

    @Test
    void createOnlyPathsAreNeitherComparedNorOverwritten() throws Exception {
        DesiredResource desired = resource("{\"sku\":{\"name\":\"Standard_D4s_v3\",\"capacity\":3},\"properties\":"
                + "{\"virtualMachineProfile\":{\"osProfile\":{\"adminUsername\":\"cutover\"}}}}",
                List.of("sku.capacity", "properties.virtualMachineProfile"));
        JsonNode existing = json("{\"sku\":{\"name\":\"Standard_D2s_v3\",\"capacity\":7},\"properties\":"
                + "{\"virtualMachineProfile\":{\"osProfile\":{\"adminUsername\":\"ops\"}},\"other\":true}}");

        assertEquals(List.of(new PropertyChange("sku.name", "Standard_D2s_v3", "Standard_D4s_v3")),
                ResourceDiff.changes(desired, existing));
        ObjectNode body = ResourceDiff.merged(desired, existing);
        assertEquals("Standard_D4s_v3", body.path("sku").path("name").asText());
        assertEquals(7, body.path("sku").path("capacity").asInt(), "the autoscaler's capacity stays");
        assertEquals("ops", body.at("/properties/virtualMachineProfile/osProfile/adminUsername").asText());
        assertEquals(true, body.at("/properties/other").asBoolean(), "what others set stays");
    }

    @Test
    void anEmptyDesiredObjectMatchesAnyObjectArmFillsIn() throws Exception {
        DesiredResource desired = resource("{\"identity\":{\"userAssignedIdentities\":{\"/id\":{}}}}", List.of());
        JsonNode existing = json("{\"identity\":{\"userAssignedIdentities\":{\"/id\":{\"principalId\":\"p\"}}}}");

        assertEquals(List.of(), ResourceDiff.changes(desired, existing));
    }

    private static DesiredResource resource(String body, List<String> createOnly) throws Exception {
        return new DesiredResource("/subscriptions/s/resourceGroups/g/providers/X/y/z", "X/y", "2024-01-01",
                (ObjectNode) json(body), createOnly);
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
