package dev.cutover.healthmonitor.metrics.provider;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an Azure App Service target's canary metrics are, as the provisioner reports it in a command's
 * {@code metricsUrl}: {@code azure-monitor:<site ARM id>?<cutover slot>=<App Service slot>&...}, e.g.
 * {@code azure-monitor:/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop-prod?blue=production&green=staging}.
 * Azure Monitor keeps metrics per ARM resource, and an App Service slot is its own resource: {@code production}
 * is the site itself, any other slot {@code x} is {@code <site id>/slots/x}.
 */
public record AzureMonitorSource(String siteId, String subscriptionId, Map<String, String> slots) {

    public static final String SCHEME = "azure-monitor:";

    /** The App Service slot that is the site itself. */
    public static final String PRODUCTION = "production";

    private static final Pattern SITE = Pattern.compile(
            "/subscriptions/([^/?#]+)/resourceGroups/[^/?#]+/providers/Microsoft\\.Web/sites/[^/?#]+",
            Pattern.CASE_INSENSITIVE);
    /** An App Service slot name: letters, digits and hyphens (Azure's rule for slot names). */
    private static final Pattern SLOT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*");

    public AzureMonitorSource {
        slots = Map.copyOf(slots);
    }

    /** Whether {@code metricsUrl} names an Azure Monitor source (whatever else is wrong with it). */
    public static boolean isAzureMonitor(String metricsUrl) {
        return metricsUrl != null && metricsUrl.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * The source in {@code metricsUrl}.
     *
     * @throws IllegalArgumentException naming what is wrong, when it is not of the form above
     */
    public static AzureMonitorSource parse(String metricsUrl) {
        if (!isAzureMonitor(metricsUrl)) {
            throw new IllegalArgumentException("not an " + SCHEME + " source");
        }
        String rest = metricsUrl.substring(SCHEME.length());
        int question = rest.indexOf('?');
        String site = question < 0 ? rest : rest.substring(0, question);
        String query = question < 0 ? "" : rest.substring(question + 1);
        Matcher m = SITE.matcher(site);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected the ARM id of a site,"
                    + " /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Web/sites/<name>");
        }
        Map<String, String> slots = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String slot = eq < 0 ? "" : decode(pair.substring(0, eq));
            String appServiceSlot = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (slot.isBlank() || !SLOT_NAME.matcher(appServiceSlot).matches()) {
                throw new IllegalArgumentException("each slot must be given as <cutover slot>=<App Service slot>");
            }
            if (slots.put(slot, appServiceSlot) != null) {
                throw new IllegalArgumentException("slot " + slot + " is given twice");
            }
        }
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("no slots: expected ?<cutover slot>=<App Service slot>&...");
        }
        return new AzureMonitorSource(site, m.group(1), slots);
    }

    /** The ARM resource whose metrics are the slot's; empty for a slot the source does not name. */
    public Optional<String> resourceId(String slot) {
        String appServiceSlot = slots.get(slot);
        if (appServiceSlot == null) {
            return Optional.empty();
        }
        return Optional.of(PRODUCTION.equalsIgnoreCase(appServiceSlot) ? siteId : siteId + "/slots/" + appServiceSlot);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
