package dev.cutover.provisioner.azure.appservice;

import com.azure.core.http.rest.Response;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.appservice.fluent.WebAppsClient;
import com.azure.resourcemanager.appservice.fluent.models.AppServicePlanInner;
import com.azure.resourcemanager.appservice.fluent.models.SiteConfigInner;
import com.azure.resourcemanager.appservice.fluent.models.SiteConfigResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import com.azure.resourcemanager.appservice.fluent.models.SitePatchResourceInner;
import com.azure.resourcemanager.appservice.fluent.models.StringDictionaryInner;
import com.azure.resourcemanager.appservice.models.CsmSlotEntity;
import com.azure.resourcemanager.appservice.models.Experiments;
import com.azure.resourcemanager.appservice.models.FtpsState;
import com.azure.resourcemanager.appservice.models.ManagedServiceIdentity;
import com.azure.resourcemanager.appservice.models.ManagedServiceIdentityType;
import com.azure.resourcemanager.appservice.models.RampUpRule;
import com.azure.resourcemanager.appservice.models.SkuDescription;
import com.azure.resourcemanager.appservice.models.SupportedTlsVersions;
import com.azure.resourcemanager.resources.fluent.models.ResourceGroupInner;
import com.azure.resourcemanager.resources.models.Tags;
import com.azure.resourcemanager.resources.models.TagsPatchOperation;
import com.azure.resourcemanager.resources.models.TagsPatchResource;
import dev.cutover.events.Placement;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;
import dev.cutover.events.Target;
import dev.cutover.events.router.RouterAdminApi.Backend;
import dev.cutover.provisioner.azure.ArmFailures;
import dev.cutover.provisioner.azure.AzureClients;
import dev.cutover.provisioner.azure.MovingRouter;
import dev.cutover.provisioner.azure.SecretReferencesPassed;
import dev.cutover.provisioner.slot.ProvisioningException;
import dev.cutover.provisioner.slot.SlotInstance;
import dev.cutover.provisioner.slot.TargetProvider;
import dev.cutover.provisioner.traffic.RouterHandle;
import dev.cutover.provisioner.traffic.TrafficRouter;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A target as a Linux web app on an App Service plan with two App Service slots, {@code production} (the site) and
 * {@code staging}. A version is always deployed into {@code staging} (its app settings: the command's environment,
 * {@code WEBSITE_RUN_FROM_PACKAGE} = the artifact, {@code CUTOVER_VERSION}; secret references as Key Vault
 * references) and health-checked on the staging slot's own host name. Which Cutover slot (blue, green, canary...)
 * each App Service slot holds is kept in the site's tags ({@code cutover-production-slot},
 * {@code cutover-staging-slot}), so it survives a restart of the provisioner. Traffic: the staging slot's weight
 * 1..99 is the production site's ramp-up rule to the staging host; 100 swaps staging into production (the old
 * version stays warm in staging, so a rollback is a swap back) and removes the rule; 0 removes the rule (abort: one
 * call). The generated service clients are used rather than the fluent API: every ARM call is one this class
 * means to make.
 */
public final class AppServiceTarget implements TargetProvider, TrafficRouter, MovingRouter, SecretReferencesPassed {

    /** Instance ids of this provider: {@code app-service:<site id>#<cutover slot>}. */
    public static final String INSTANCE_PREFIX = "app-service:";
    public static final String PRODUCTION = "production";
    public static final String STAGING = "staging";
    public static final String TAG_PRODUCTION = "cutover-production-slot";
    public static final String TAG_STAGING = "cutover-staging-slot";
    public static final String TAG_TARGET = "cutover-target";
    public static final String RUN_FROM_PACKAGE = "WEBSITE_RUN_FROM_PACKAGE";
    private static final String RAMP_RULE = "cutover";

    private static final Logger LOG = Logger.getLogger(AppServiceTarget.class);

    private final AzureClients clients;
    private final String subscription;
    private final Placement.Azure azure;
    private final String planSku;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private AppServiceTarget(AzureClients clients, String subscription, Placement.Azure azure, String planSku) {
        this.clients = clients;
        this.subscription = subscription;
        this.azure = azure;
        this.planSku = planSku;
    }

    /**
     * The target of a placement ({@code target.azure.*}: subscription, resource group, region, name, key vault).
     *
     * @param defaultSku the plan size when the placement names none ({@code infrastructure.instance-size})
     */
    public static AppServiceTarget of(AzureClients clients, Placement placement, String defaultSku)
            throws ProvisioningException {
        Placement.Azure azure = placement.azure();
        if (azure == null || blank(azure.resourceGroup()) || blank(azure.region())) {
            throw ProvisioningException.configuration("an App Service target needs target.azure.resource-group and "
                    + "target.azure.region");
        }
        String size = placement.infrastructure() == null ? null : placement.infrastructure().instanceSize();
        return new AppServiceTarget(clients, clients.subscription(azure.subscriptionId()), azure,
                blank(size) ? defaultSku : size);
    }

    /** Is this an instance of the App Service provider? */
    public static boolean owns(SlotInstance instance) {
        return instance.instanceId() != null && instance.instanceId().startsWith(INSTANCE_PREFIX);
    }

    // ---- names ----

    /** The site's name: {@code target.azure.name}, default application-environment. */
    public String siteName(Target target) {
        return blank(azure.name()) ? target.application() + "-" + target.environment() : azure.name();
    }

    public String planName(Target target) {
        return siteName(target) + "-plan";
    }

    public String siteId(Target target) {
        return "/subscriptions/" + subscription + "/resourceGroups/" + azure.resourceGroup()
                + "/providers/Microsoft.Web/sites/" + siteName(target);
    }

    private WebAppsClient webApps() {
        return clients.appService(subscription).serviceClient().getWebApps();
    }

    private String rg() {
        return azure.resourceGroup();
    }

    // ---- the site ----

    /** The site as ARM has it: production and staging host names, which Cutover slot each holds. */
    record Site(String id, String productionHost, String stagingHost, String inProduction, String inStaging,
                boolean httpsOnly) {

        String slotOf(String cutoverSlot) {
            if (cutoverSlot.equals(inProduction)) {
                return PRODUCTION;
            }
            return cutoverSlot.equals(inStaging) ? STAGING : null;
        }
    }

    /**
     * Reads the site and its staging slot; creates what is missing (resource group, plan, site, staging slot) when
     * {@code create}. Hardened from the start: HTTPS only, TLS 1.2, FTPS disabled, system-assigned identity.
     */
    Site site(Target target, boolean create) throws ProvisioningException {
        String name = siteName(target);
        SiteInner site = find(() -> webApps().getByResourceGroupWithResponse(rg(), name, Context.NONE), "read site " + name);
        if (site == null) {
            if (!create) {
                throw ProvisioningException.configuration("App Service site " + siteId(target) + " does not exist: "
                        + "provision a slot first");
            }
            site = createSite(target);
        }
        SiteInner staging = find(() -> webApps().getSlotWithResponse(rg(), name, STAGING, Context.NONE),
                "read slot staging of " + name);
        if (staging == null) {
            if (!create) {
                throw ProvisioningException.configuration("slot staging of " + siteId(target) + " does not exist");
            }
            staging = clients.await(webApps().beginCreateOrUpdateSlot(rg(), name, STAGING, hardened(target)
                    .withServerFarmId(site.serverFarmId())), "create slot staging of " + name);
        }
        Map<String, String> tags = site.tags() == null ? Map.of() : site.tags();
        return new Site(site.id() == null ? siteId(target) : site.id(), site.defaultHostname(), staging.defaultHostname(),
                tags.get(TAG_PRODUCTION), tags.get(TAG_STAGING), Boolean.TRUE.equals(site.httpsOnly()));
    }

    private SiteInner createSite(Target target) throws ProvisioningException {
        String name = siteName(target);
        String what = "create resource group " + rg();
        try {
            clients.resources(subscription).serviceClient().getResourceGroups().createOrUpdate(rg(),
                    new ResourceGroupInner().withLocation(azure.region()));
            what = "create App Service plan " + planName(target);
            AppServicePlanInner plan = clients.await(clients.appService(subscription).serviceClient().getAppServicePlans()
                    .beginCreateOrUpdate(rg(), planName(target), (AppServicePlanInner) new AppServicePlanInner()
                            .withReserved(true) // Linux
                            .withKind("linux")
                            .withSku(new SkuDescription().withName(planSku))
                            .withLocation(azure.region())
                            .withTags(Map.of(TAG_TARGET, target.key()))), what);
            what = "create site " + name;
            SiteInner site = hardened(target).withServerFarmId(plan.id());
            site.withTags(Map.of(TAG_TARGET, target.key()));
            LOG.infof("Creating App Service site %s (plan %s, %s) for %s", name, planName(target), planSku, target);
            return clients.await(webApps().beginCreateOrUpdate(rg(), name, site), what);
        } catch (ProvisioningException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ArmFailures.classify(what, e);
        }
    }

    private SiteInner hardened(Target target) {
        SiteInner site = new SiteInner()
                .withKind("app,linux")
                .withHttpsOnly(true)
                .withIdentity(new ManagedServiceIdentity().withType(ManagedServiceIdentityType.SYSTEM_ASSIGNED))
                .withSiteConfig(new SiteConfigInner()
                        .withLinuxFxVersion("JAVA|17-java17")
                        .withMinTlsVersion(SupportedTlsVersions.ONE_TWO)
                        .withFtpsState(FtpsState.DISABLED)
                        .withHttp20Enabled(true)
                        .withAlwaysOn(true));
        site.withLocation(azure.region());
        return site;
    }

    // ---- TargetProvider ----

    @Override
    public SlotInstance start(ProvisionSlot command, Map<String, String> environment, Consumer<SlotInstance> spawned)
            throws ProvisioningException {
        Target target = command.target();
        Site site = site(target, true);
        String name = siteName(target);
        if (command.slot().equals(site.inProduction())) {
            throw ProvisioningException.configuration("slot " + command.slot() + " of " + target + " is live in "
                    + "production of " + name + ": deploy a new version to the other slot");
        }
        Map<String, String> settings = new TreeMap<>(AppSettings.of(environment, azure.keyVault()));
        settings.put(RUN_FROM_PACKAGE, command.artifact());
        settings.put("CUTOVER_VERSION", command.version());
        settings.put("CUTOVER_SLOT", command.slot());
        call("set app settings of slot staging of " + name, () -> webApps().updateApplicationSettingsSlot(rg(), name,
                STAGING, new StringDictionaryInner().withProperties(settings)));
        if (!command.slot().equals(site.inStaging())) {
            tag(target, Map.of(TAG_STAGING, command.slot()));
        }
        SiteInner staging = call("read slot staging of " + name, () -> webApps().getSlot(rg(), name, STAGING));
        if ("Stopped".equalsIgnoreCase(staging.state())) {
            call("start slot staging of " + name, () -> {
                webApps().startSlot(rg(), name, STAGING);
                return null;
            });
        }
        SlotInstance instance = new SlotInstance(command.slot(), command.version(), command.meta().deploymentId(),
                "http://" + site.stagingHost(), INSTANCE_PREFIX + site.id() + "#" + command.slot(), null, null, null,
                System.currentTimeMillis());
        spawned.accept(instance);
        awaitReady(instance);
        LOG.infof("%s of %s deployed to slot staging of %s (%s)", command.version(), target, name, site.stagingHost());
        return instance;
    }

    @Override
    public boolean alive(SlotInstance instance) {
        return owns(instance);
    }

    /** Until the slot's host name answers (any status below 500) or operation-timeout. */
    @Override
    public void awaitReady(SlotInstance instance) throws ProvisioningException {
        long deadline = System.nanoTime() + clients.operationTimeout().toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(instance.url() + "/"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 500) {
                    return;
                }
                last = "status " + response.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("interrupted while waiting for " + instance.url());
            }
            try {
                Thread.sleep(Math.max(50, Math.min(1000, clients.pollInterval().toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningException("interrupted while waiting for " + instance.url());
            }
        }
        throw new ProvisioningException("slot " + instance.slot() + " (" + instance.url() + ") did not answer within "
                + clients.operationTimeout() + " (" + last + ")");
    }

    /**
     * Stops the App Service slot that holds the instance's version if that is {@code staging} (it is kept: a later
     * deployment starts it again). The version in production is never stopped here.
     */
    @Override
    public void stop(SlotInstance instance) {
        String siteId = instance.instanceId().substring(INSTANCE_PREFIX.length(), instance.instanceId().lastIndexOf('#'));
        String name = siteId.substring(siteId.lastIndexOf('/') + 1);
        try {
            SiteInner site = webApps().getByResourceGroup(rg(), name);
            Map<String, String> tags = site.tags() == null ? Map.of() : site.tags();
            if (instance.slot().equals(tags.get(TAG_STAGING))) {
                webApps().stopSlot(rg(), name, STAGING);
                LOG.infof("Slot staging of %s (%s, %s) stopped", name, instance.slot(), instance.version());
            } else {
                LOG.infof("%s (%s) is not in slot staging of %s: nothing stopped", instance.slot(), instance.version(), name);
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not stop slot staging of %s: %s", name, ArmFailures.classify("stop slot staging of " + name, e)
                    .getMessage());
        }
    }

    // ---- TrafficRouter ----

    @Override
    public RouterHandle ensure(Target target, int routerPort, Long knownPid) throws ProvisioningException {
        return handle(site(target, true), routerPort);
    }

    @Override
    public RouterHandle current(Target target, RouterHandle before) throws ProvisioningException {
        return handle(site(target, false), before.port());
    }

    @Override
    public Map<String, String> instanceUrls(Target target) throws ProvisioningException {
        Site site = site(target, false);
        Map<String, String> urls = new LinkedHashMap<>();
        if (site.inStaging() != null && !site.inStaging().isEmpty()) {
            urls.put(site.inStaging(), "http://" + site.stagingHost());
        }
        if (site.inProduction() != null && !site.inProduction().isEmpty()) {
            urls.put(site.inProduction(), "http://" + site.productionHost());
        }
        return urls;
    }

    /**
     * {@code url}: the production host; {@code adminUrl}: the metrics source, {@code azure-monitor:<site id>?
     * <cutover slot>=<app service slot>&...}.
     */
    private static RouterHandle handle(Site site, int port) {
        StringBuilder source = new StringBuilder("azure-monitor:").append(site.id());
        Map<String, String> slots = new LinkedHashMap<>();
        if (site.inProduction() != null) {
            slots.put(site.inProduction(), PRODUCTION);
        }
        if (site.inStaging() != null && !site.inStaging().equals(site.inProduction())) {
            slots.put(site.inStaging(), STAGING);
        }
        char sep = '?';
        for (Map.Entry<String, String> e : slots.entrySet()) {
            source.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = '&';
        }
        return new RouterHandle("http://" + site.productionHost(), source.toString(), port, null);
    }

    @Override
    public void apply(Target target, RouterHandle router, List<Backend> backends) throws ProvisioningException {
        Site site = site(target, false);
        String name = siteName(target);
        Map<String, Integer> weights = new HashMap<>();
        backends.forEach(b -> weights.put(b.id(), b.weight()));
        for (Map.Entry<String, Integer> e : weights.entrySet()) {
            if (e.getValue() > 0 && site.slotOf(e.getKey()) == null) {
                throw ProvisioningException.configuration("slot " + e.getKey() + " of " + target + " is in no App "
                        + "Service slot of " + name + " (production: " + site.inProduction() + ", staging: "
                        + site.inStaging() + ")");
            }
        }
        int stagingWeight = site.inStaging() == null ? 0 : weights.getOrDefault(site.inStaging(), 0);
        if (stagingWeight == 100 && !Objects.equals(site.inStaging(), site.inProduction())) {
            String what = "swap slot staging into production of " + name;
            LOG.infof("Swapping slot staging (%s) into production (%s) of %s", site.inStaging(), site.inProduction(), name);
            try {
                clients.await(webApps().beginSwapSlot(rg(), name, STAGING,
                        new CsmSlotEntity().withTargetSlot(PRODUCTION).withPreserveVnet(true)), what);
            } catch (RuntimeException e) {
                throw ArmFailures.classify(what, e);
            }
            Map<String, String> tags = new HashMap<>();
            tags.put(TAG_PRODUCTION, site.inStaging());
            tags.put(TAG_STAGING, site.inProduction() == null ? "" : site.inProduction());
            tag(target, tags);
            ramp(target, null);
        } else if (stagingWeight > 0 && stagingWeight < 100) {
            ramp(target, new RampUpRule().withName(RAMP_RULE).withActionHostname(site.stagingHost())
                    .withReroutePercentage((double) stagingWeight));
        } else {
            ramp(target, null);
        }
    }

    /** Sets the production site's ramp-up rule (null: none) with one PATCH of config/web, if it differs. */
    private void ramp(Target target, RampUpRule rule) throws ProvisioningException {
        String name = siteName(target);
        SiteConfigResourceInner config = call("read config of " + name, () -> webApps().getConfiguration(rg(), name));
        List<RampUpRule> current = config.experiments() == null || config.experiments().rampUpRules() == null
                ? List.of() : config.experiments().rampUpRules();
        List<RampUpRule> desired = rule == null ? List.of() : List.of(rule);
        if (sameRules(current, desired)) {
            return;
        }
        call("set traffic routing of " + name, () -> webApps().updateConfiguration(rg(), name,
                new SiteConfigResourceInner().withExperiments(new Experiments().withRampUpRules(desired))));
        LOG.infof("Traffic routing of %s: %s", name, rule == null ? "none (all to production)"
                : rule.reroutePercentage() + " % to " + rule.actionHostname());
    }

    private static boolean sameRules(List<RampUpRule> a, List<RampUpRule> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Objects.equals(a.get(i).actionHostname(), b.get(i).actionHostname())
                    || !Objects.equals(a.get(i).reroutePercentage(), b.get(i).reroutePercentage())) {
                return false;
            }
        }
        return true;
    }

    /**
     * HTTPS only is the site's ({@code httpsOnly}, set at creation; set again here if it was turned off). HSTS and
     * CSP headers cannot be set by App Service configuration: the app (or a front door) must send them.
     */
    @Override
    public void secure(Target target, RouterHandle router, RouterSecurity security) throws ProvisioningException {
        String name = siteName(target);
        if (security.httpsOnly()) {
            Site site = site(target, false);
            if (!site.httpsOnly()) {
                call("set https-only on " + name, () -> webApps().update(rg(), name,
                        new SitePatchResourceInner().withHttpsOnly(true)));
            }
        }
        if (security.hsts() || security.csp() != null) {
            LOG.infof("%s: HSTS / CSP cannot be set by App Service configuration (the application must send the "
                    + "headers); listed as not honoured in the plan", name);
        }
    }

    /** App Service drains on swap: nothing is cut off. */
    @Override
    public boolean awaitDrained(Target target, RouterHandle router, String backendId) {
        return true;
    }

    // ---- helpers ----

    private void tag(Target target, Map<String, String> tags) throws ProvisioningException {
        String what = "tag site " + siteName(target);
        call(what, () -> clients.resources(subscription).serviceClient().getTagOperations().updateAtScope(siteId(target),
                new TagsPatchResource().withOperation(TagsPatchOperation.MERGE).withProperties(new Tags().withTags(tags))));
    }

    private interface ArmCall<T> {
        T run();
    }

    private static <T> T call(String what, ArmCall<T> call) throws ProvisioningException {
        try {
            return call.run();
        } catch (RuntimeException e) {
            throw ArmFailures.classify(what, e);
        }
    }

    /** The resource, or null when ARM answers 404. */
    private static <T> T find(ArmCall<Response<T>> call, String what) throws ProvisioningException {
        try {
            return call.run().getValue();
        } catch (ManagementException e) {
            if (e.getResponse() != null && e.getResponse().getStatusCode() == 404) {
                return null;
            }
            throw ArmFailures.classify(what, e);
        } catch (RuntimeException e) {
            throw ArmFailures.classify(what, e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
