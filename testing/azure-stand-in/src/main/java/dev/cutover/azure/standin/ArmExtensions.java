package dev.cutover.azure.standin;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What real ARM does for the plan's resources that the stand-in's generic store does not: a user-assigned identity
 * gets a principal id when created; a site's app settings are written with {@code PUT .../config/appsettings}
 * (200, never 201) and read with {@code POST .../config/appsettings/list};
 * extension resources (a role assignment on a vault, a diagnostic setting on a site) live under the resource they
 * extend, which must exist. (The Tags API, also an extension resource, is the core's own and comes first.)
 */
public final class ArmExtensions {

    private ArmExtensions() {
    }

    /**
     * Adds these behaviours to {@code arm}. The app-settings routes are for tests without {@code WebStandIn}; with it,
     * install it first: its own app-settings routes (which also start the slot's process) then win.
     */
    public static void install(ArmStandIn arm) {
        arm.route("PUT", ".*/providers/Microsoft.ManagedIdentity/userAssignedIdentities/[^/]+", req -> {
            String id = clean(req.path());
            boolean existed = arm.exists(id);
            ObjectNode body = req.body().deepCopy();
            ObjectNode props = body.has("properties") ? (ObjectNode) body.get("properties")
                    : body.putObject("properties");
            String principal = UUID.nameUUIDFromBytes(id.toLowerCase().getBytes(StandardCharsets.UTF_8)).toString();
            props.put("principalId", principal).put("clientId", principal).put("tenantId", "tenant");
            return ArmResponse.json(existed ? 200 : 201, arm.put(id, body));
        });
        arm.route("PUT", ".*/providers/Microsoft.Web/sites/[^/]+/config/appsettings", req -> {
            String settings = clean(req.path());
            String site = settings.replaceFirst("(?i)/config/appsettings$", "");
            return arm.exists(site) ? ArmResponse.ok(arm.put(settings, req.body())) : ArmStandIn.notFound(site);
        });
        arm.route("POST", ".*/providers/Microsoft.Web/sites/[^/]+/config/appsettings/list", req -> {
            String settings = clean(req.path()).replaceFirst("(?i)/list$", "");
            String site = settings.replaceFirst("(?i)/config/appsettings$", "");
            if (!arm.exists(site)) {
                return ArmStandIn.notFound(site);
            }
            return ArmResponse.ok(arm.resource(settings).orElseGet(() -> {
                ObjectNode empty = ArmStandIn.JSON.createObjectNode();
                empty.putObject("properties");
                return empty;
            }));
        });
        arm.route(null, ".*/providers/[^/]+/[^/]+/[^/]+/providers/[^/]+/[^/]+/[^/]+", req -> {
            String id = clean(req.path());
            String extended = id.substring(0, id.toLowerCase().lastIndexOf("/providers/"));
            switch (req.method()) {
                case "PUT" -> {
                    if (!arm.exists(extended)) {
                        return ArmStandIn.notFound(extended);
                    }
                    boolean existed = arm.exists(id);
                    return ArmResponse.json(existed ? 200 : 201, arm.put(id, req.body()));
                }
                case "GET" -> {
                    return arm.resource(id).map(ArmResponse::ok).orElseGet(() -> ArmStandIn.notFound(id));
                }
                default -> {
                    return null;
                }
            }
        });
    }

    private static String clean(String path) {
        return "/" + String.join("/", path.replaceAll("^/+|/+$", "").split("/+"));
    }
}
