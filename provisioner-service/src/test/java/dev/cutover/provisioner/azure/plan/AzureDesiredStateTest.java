package dev.cutover.provisioner.azure.plan;

import dev.cutover.events.Meta;
import dev.cutover.events.Placement;
import dev.cutover.events.Placement.Infrastructure;
import dev.cutover.events.ProvisionerCommand.Policy;
import dev.cutover.events.ProvisionerEvent.FailureCause;
import dev.cutover.events.Target;
import dev.cutover.provisioner.plan.PlanRequest;
import dev.cutover.provisioner.plan.PlanningException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Secret references as Key Vault references, VM sizes as App Service tiers, and what is refused. */
class AzureDesiredStateTest {

    private static final Target TARGET = new Target("shop", "staging");

    @Test
    void secretReferencesBecomeKeyVaultReferencesAndPlainValuesStay() throws PlanningException {
        Map<String, String> settings = AzureDesiredState.appSettings(Map.of("DB_PASSWORD", "secret://db-password/3f2a",
                "API_TOKEN", "secret://api-token", "LOG_LEVEL", "info"), names("shop-vault"));

        assertEquals("@Microsoft.KeyVault(VaultName=shop-vault;SecretName=db-password;SecretVersion=3f2a)",
                settings.get("DB_PASSWORD"));
        assertEquals("@Microsoft.KeyVault(VaultName=shop-vault;SecretName=api-token)", settings.get("API_TOKEN"));
        assertEquals("info", settings.get("LOG_LEVEL"));
    }

    @Test
    void aSecretReferenceWithoutAVaultIsAConfigurationError() {
        PlanningException e = assertThrows(PlanningException.class, () -> AzureDesiredState.appSettings(
                Map.of("DB_PASSWORD", "secret://db-password"), names(null)));
        assertEquals(FailureCause.CONFIGURATION, e.kind());
    }

    @Test
    void vmSizesMapToAppServiceTiersAndTiersStayAsTheyAre() {
        assertEquals("B2", AppServiceSizes.planSku("Standard_B2s"));
        assertEquals("P1v3", AppServiceSizes.planSku("Standard_D2s_v3"));
        assertEquals("P2v3", AppServiceSizes.planSku("Standard_D4s_v3"));
        assertEquals("P1v3", AppServiceSizes.planSku("p1v3"));
        assertEquals("S1", AppServiceSizes.planSku("S1"));
        assertNull(AppServiceSizes.planSku("Standard_NC6"));
        assertEquals("PremiumV3", AppServiceSizes.tier("P2v3"));
        assertEquals("P2 v3", AppServiceSizes.priceSku("P2v3"));
    }

    @Test
    void anUnknownKindOrSizeIsAConfigurationError() {
        for (Placement placement : new Placement[] {placement("container-apps", "Standard_B2s"),
                placement(Placement.APP_SERVICE, "Standard_NC6")}) {
            PlanningException e = assertThrows(PlanningException.class, () -> AzureDesiredState.of(
                    new PlanRequest(Meta.start("d"), TARGET, placement, Map.of(), null, new Policy(null, null)),
                    names(null), null));
            assertEquals(FailureCause.CONFIGURATION, e.kind());
        }
    }

    private static Placement placement(String kind, String size) {
        return new Placement(Placement.AZURE, kind, new Infrastructure(size, 1, null, null, null), null, false,
                new Placement.Azure("sub", "rg", "westeurope", null, null));
    }

    private static AzureNames names(String vault) {
        return new AzureNames("sub", "rg", "westeurope", "shop-staging", vault);
    }
}
