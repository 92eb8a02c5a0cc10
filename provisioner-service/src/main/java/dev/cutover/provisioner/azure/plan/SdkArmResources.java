package dev.cutover.provisioner.azure.plan;

import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.appservice.fluent.WebAppsClient;
import com.azure.resourcemanager.appservice.fluent.models.StringDictionaryInner;
import com.azure.resourcemanager.resources.fluent.ResourcesClient;
import com.azure.resourcemanager.resources.fluent.models.GenericResourceInner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.provisioner.azure.ArmFailures;
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.slot.ProvisioningException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The plan's resources through the Azure SDK: every resource by id through the resource manager's generic
 * {@link ResourcesClient} ({@code GET / PUT {id}?api-version=...}, one call each, long-running PUTs awaited up to
 * the operation timeout), except a site's app settings, which ARM never returns with the site: they are read with
 * {@code POST .../config/appsettings/list} and written with {@code PUT .../config/appsettings} through the App
 * Service client.
 */
public class SdkArmResources implements ArmResources {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP_SETTINGS = "Microsoft.Web/sites/config";

    private final AzureClients clients;
    private final String subscription;

    public SdkArmResources(AzureClients clients, String subscription) {
        this.clients = clients;
        this.subscription = subscription;
    }

    private ResourcesClient resources() {
        return clients.resources(subscription).serviceClient().getResources();
    }

    private WebAppsClient webApps() {
        return clients.appService(subscription).serviceClient().getWebApps();
    }

    @Override
    public Optional<JsonNode> read(DesiredResource resource) throws ProvisioningException {
        String what = "read " + resource.id();
        try {
            if (APP_SETTINGS.equals(resource.type())) {
                Site site = Site.of(resource.id());
                StringDictionaryInner settings = webApps().listApplicationSettingsWithResponse(site.group(),
                        site.name(), Context.NONE).getValue();
                return Optional.of(settingsJson(settings));
            }
            GenericResourceInner inner = resources().getByIdWithResponse(resource.id(), resource.apiVersion(),
                    Context.NONE).getValue();
            return Optional.of(JSON.readTree(inner.toJsonString()));
        } catch (ManagementException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return Optional.empty();
            }
            throw ArmFailures.classify(what, e);
        } catch (IOException | RuntimeException e) {
            throw ArmFailures.classify(what, e);
        }
    }

    @Override
    public JsonNode write(DesiredResource resource, ObjectNode body) throws ProvisioningException {
        String what = "create or update " + resource.id();
        try {
            if (APP_SETTINGS.equals(resource.type())) {
                Site site = Site.of(resource.id());
                Map<String, String> values = new LinkedHashMap<>();
                body.path("properties").fields().forEachRemaining(f -> values.put(f.getKey(), f.getValue().asText()));
                StringDictionaryInner written = clients.await(webApps().beginUpdateApplicationSettings(site.group(),
                        site.name(), new StringDictionaryInner().withProperties(values)), what);
                return settingsJson(written == null ? new StringDictionaryInner().withProperties(values) : written);
            }
            GenericResourceInner inner;
            try (JsonReader reader = JsonProviders.createReader(body.toString())) {
                inner = GenericResourceInner.fromJson(reader);
            }
            GenericResourceInner written = clients.await(resources().beginCreateOrUpdateById(resource.id(),
                    resource.apiVersion(), inner), what);
            return written == null ? body : JSON.readTree(written.toJsonString());
        } catch (ProvisioningException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw ArmFailures.classify(what, e);
        }
    }

    private static JsonNode settingsJson(StringDictionaryInner settings) {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode props = node.putObject("properties");
        if (settings != null && settings.properties() != null) {
            settings.properties().forEach(props::put);
        }
        return node;
    }

    /** Resource group and name of the site of an id {@code .../resourceGroups/{g}/providers/Microsoft.Web/sites/{n}/...}. */
    private record Site(String group, String name) {
        static Site of(String id) {
            String[] seg = id.replaceAll("^/+", "").split("/");
            return new Site(seg[3], seg[7]);
        }
    }
}
