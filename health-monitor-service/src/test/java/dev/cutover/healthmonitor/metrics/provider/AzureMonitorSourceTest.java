package dev.cutover.healthmonitor.metrics.provider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AzureMonitorSourceTest {

    static final String SITE = "/subscriptions/s-1/resourceGroups/rg/providers/Microsoft.Web/sites/shop-prod";

    @Test
    void productionIsTheSiteAndAnyOtherSlotItsSlotsResource() {
        AzureMonitorSource source = AzureMonitorSource.parse("azure-monitor:" + SITE + "?blue=production&green=staging");

        assertEquals(SITE, source.siteId());
        assertEquals("s-1", source.subscriptionId());
        assertEquals(Map.of("blue", "production", "green", "staging"), source.slots());
        assertEquals(Optional.of(SITE), source.resourceId("blue"));
        assertEquals(Optional.of(SITE + "/slots/staging"), source.resourceId("green"));
        assertEquals(Optional.empty(), source.resourceId("canary"), "a slot the source does not name");
    }

    @Test
    void schemeAndIdsAreCaseInsensitiveAsArmAndValuesPercentDecoded() {
        AzureMonitorSource source = AzureMonitorSource.parse("Azure-Monitor:" + SITE.toLowerCase()
                + "?my%20slot=Production&b=pre-prod-2");

        assertEquals(Optional.of(SITE.toLowerCase()), source.resourceId("my slot"));
        assertEquals(Optional.of(SITE.toLowerCase() + "/slots/pre-prod-2"), source.resourceId("b"));
    }

    @Test
    void onlyTheAzureMonitorSchemeIsRecognised() {
        assertTrue(AzureMonitorSource.isAzureMonitor("azure-monitor:/x"));
        assertFalse(AzureMonitorSource.isAzureMonitor("http://127.0.0.1:18081"));
        assertFalse(AzureMonitorSource.isAzureMonitor("azure:/x"));
        assertFalse(AzureMonitorSource.isAzureMonitor(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://127.0.0.1:18081",
            "azure-monitor:",
            "azure-monitor:" + SITE,
            "azure-monitor:" + SITE + "?",
            "azure-monitor:" + SITE + "?blue",
            "azure-monitor:" + SITE + "?=production",
            "azure-monitor:" + SITE + "?blue=",
            "azure-monitor:" + SITE + "?blue=../x",
            "azure-monitor:" + SITE + "?blue=production&blue=staging",
            "azure-monitor:" + SITE + "/slots/staging?blue=production",
            "azure-monitor:/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/x?a=production",
            "azure-monitor:subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/x?a=production"})
    void malformedSourcesAreRefused(String metricsUrl) {
        assertThrows(IllegalArgumentException.class, () -> AzureMonitorSource.parse(metricsUrl));
    }
}
