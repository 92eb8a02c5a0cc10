package dev.cutover.orchestrator.settings;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.cutover.events.HealthMonitorCommand.AnalysisSpec;
import dev.cutover.events.Placement;
import dev.cutover.events.Target;
import dev.cutover.events.ProvisionerCommand.Policy;
import dev.cutover.events.ProvisionerCommand.ProvisionSlot;
import dev.cutover.events.ProvisionerCommand.RouterSecurity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the orchestrator takes from a ConfigResolved: the router port, the instance's environment, the health-check,
 * rollout and recovery settings, and what the target's router enforces ({@code security.*}: HTTPS only, HSTS, CSP;
 * null when the configuration says nothing, so the router keeps what it has), and the target (where it runs and
 * the policy its plan is checked against, {@link TargetSettings}). Read by Jackson into one typed schema ({@link ConfigSchema}), then defaulted and
 * range-checked here; a bad value's error names its key.
 */
public record RunSettings(int routerPort, Map<String, String> environment, HealthSettings health,
                          RolloutSettings rollout, RecoveryPolicy recovery, RouterSecurity security,
                          TargetSettings target, String command) {

    /**
     * {@link #routerPort} when the configuration declares none: the provisioner gives the target a port from its pool
     * (and keeps it for the target's later deployments); where it is comes back in SlotProvisioned.
     */
    public static final int ROUTER_PORT_FROM_POOL = ProvisionSlot.ROUTER_PORT_FROM_POOL;

    public RunSettings(int routerPort, Map<String, String> environment, HealthSettings health,
                       RolloutSettings rollout, RecoveryPolicy recovery, RouterSecurity security,
                       TargetSettings target) {
        this(routerPort, environment, health, rollout, recovery, security, target, null);
    }

    public RunSettings(int routerPort, Map<String, String> environment, HealthSettings health,
                       RolloutSettings rollout, RecoveryPolicy recovery, RouterSecurity security) {
        this(routerPort, environment, health, rollout, recovery, security, null);
    }

    public RunSettings(int routerPort, Map<String, String> environment, HealthSettings health) {
        this(routerPort, environment, health, RolloutSettings.DEFAULTS, RecoveryPolicy.DEFAULTS, null);
    }

    public RunSettings(int routerPort, Map<String, String> environment, HealthSettings health,
                       RolloutSettings rollout) {
        this(routerPort, environment, health, rollout, RecoveryPolicy.DEFAULTS, null);
    }

    public RunSettings {
        rollout = rollout == null ? RolloutSettings.DEFAULTS : rollout;
        // snapshots written before recovery existed have none
        recovery = recovery == null ? RecoveryPolicy.DEFAULTS : recovery;
    }

    /**
     * Where the target runs, for the provisioner's commands; null for settings recorded before targets were
     * typed (the commands then carry none, which means local processes, as they did).
     */
    @JsonIgnore
    public Placement placement() {
        return target == null ? null : target.placement();
    }

    /**
     * These settings for {@code target}: the Azure resources' base name defaults to application-environment
     * ({@code target.azure.name} absent), which only the deployment knows. The contract requires the name.
     */
    public RunSettings forTarget(Target t) {
        if (target == null || target.placement().azure() == null || target.placement().azure().name() != null) {
            return this;
        }
        Placement p = target.placement();
        Placement.Azure a = p.azure();
        Placement.Azure named = new Placement.Azure(a.subscriptionId(), a.resourceGroup(), a.region(),
                t.application() + "-" + t.environment(), a.keyVault());
        return new RunSettings(routerPort, environment, health, rollout, recovery, security,
                new TargetSettings(new Placement(p.provider(), p.kind(), p.infrastructure(), p.network(),
                        p.diagnostics(), named), target.policy(), target.approvalBeforeProvision()), command);
    }

    /** The target kind ({@link Placement#PROCESS} when the settings predate it). */
    @JsonIgnore
    public String targetKind() {
        return target == null ? Placement.PROCESS : target.placement().kind();
    }

    /** @throws IllegalArgumentException with a reason naming the bad key */
    public static RunSettings from(Map<String, Object> config) {
        ConfigSchema c = read(config);
        // none declared (or 0): the provisioner's pool gives the target its port
        Integer port = c.router() == null || c.router().port() == null ? ROUTER_PORT_FROM_POOL : c.router().port();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("router.port " + port + " is not a port");
        }
        HealthSettings d = HealthSettings.DEFAULTS;
        ConfigSchema.Health h = c.health() == null
                ? new ConfigSchema.Health(null, null, null, null, null, null, null) : c.health();
        HealthSettings health = new HealthSettings(
                h.paths() == null || h.paths().isEmpty() ? d.paths() : h.paths(),
                min(0, "health.timeout-ms", h.timeoutMs(), d.timeoutMs()),
                min(0, "health.interval-ms", h.intervalMs(), d.intervalMs()),
                (int) min(0, "health.consecutive-successes", h.consecutiveSuccesses(), d.consecutiveSuccesses()),
                min(0, "health.max-wait-ms", h.maxWaitMs(), d.maxWaitMs()),
                (int) min(0, "health.failure-threshold", h.failureThreshold(), d.failureThreshold()),
                min(0, "health.monitor-window-ms", h.monitorWindowMs(), d.monitorWindowMs()));
        Map<String, String> env = new LinkedHashMap<>(applicationVariables(c.application()));
        if (c.app() != null && c.app().env() != null) {
            c.app().env().forEach((k, v) -> {
                if (v != null) {
                    env.put(k, String.valueOf(v));
                }
            });
        }
        ConfigSchema.Security sec = c.security();
        RouterSecurity security = sec == null ? null : new RouterSecurity(Boolean.TRUE.equals(sec.httpsOnly()),
                Boolean.TRUE.equals(sec.hsts()), sec.csp());
        RolloutSettings rollout = rollout(c);
        String command = c.app() == null || c.app().command() == null || c.app().command().isBlank() ? null
                : c.app().command().trim();
        return new RunSettings(port, env, health, rollout, recovery(c), security, target(c, rollout.instanceCount()),
                command);
    }

    /**
     * The configuration's {@code artifact.*} ({@link ArtifactPolicy#NONE} when it has none: a configuration resolved
     * before the policy existed).
     *
     * @throws IllegalArgumentException with a reason naming the bad key
     */
    public static ArtifactPolicy artifactPolicy(Map<String, Object> config) {
        ConfigSchema.Artifact a = read(config).artifact();
        if (a == null || (a.allowedSources() == null && a.requireDigest() == null)) {
            return ArtifactPolicy.NONE;
        }
        return new ArtifactPolicy(a.allowedSources(), Boolean.TRUE.equals(a.requireDigest()));
    }

    /**
     * {@code target.*}, {@code infrastructure.*}, {@code network.*}, {@code diagnostics.enabled},
     * {@code hardening.blocking}, {@code budget.monthly-limit} and {@code pipeline.approval-before-provision}.
     * Defaults: local processes, port 443 only, diagnostics on, nothing blocking, no budget, no gate.
     */
    private static TargetSettings target(ConfigSchema c, int instanceCount) {
        ConfigSchema.TargetKeys t = c.target() == null ? new ConfigSchema.TargetKeys(null, null, null) : c.target();
        String provider = t.provider() == null ? Placement.LOCAL : t.provider().trim().toLowerCase(Locale.ROOT);
        if (!List.of(Placement.LOCAL, Placement.AZURE).contains(provider)) {
            throw new IllegalArgumentException("target.provider must be local or azure, not '" + provider + "'");
        }
        String kind = t.kind() == null ? Placement.PROCESS : t.kind().trim().toLowerCase(Locale.ROOT);
        if (!List.of(Placement.PROCESS, Placement.APP_SERVICE, Placement.SCALE_SET).contains(kind)) {
            throw new IllegalArgumentException("target.kind must be process, app-service or scale-set, not '"
                    + kind + "'");
        }
        Placement.Azure azure = null;
        if (t.azure() != null) {
            ConfigSchema.Azure a = t.azure();
            azure = new Placement.Azure(a.subscriptionId(), a.resourceGroup(), a.region(), a.name(), a.keyVault());
        }
        if (Placement.AZURE.equals(provider)) {
            required("target.azure.subscription-id", azure == null ? null : azure.subscriptionId());
            required("target.azure.resource-group", azure == null ? null : azure.resourceGroup());
            required("target.azure.region", azure == null ? null : azure.region());
        }
        ConfigSchema.Infrastructure i = c.infrastructure() == null
                ? new ConfigSchema.Infrastructure(null, null, null, null, null) : c.infrastructure();
        Placement.Autoscale autoscale = null;
        if (i.autoscale() != null && i.autoscale().min() != null && i.autoscale().max() != null) {
            int lo = (int) min(1, "infrastructure.autoscale.min", i.autoscale().min(), 1);
            int hi = (int) min(1, "infrastructure.autoscale.max", i.autoscale().max(), 1);
            if (hi < lo) {
                throw new IllegalArgumentException("infrastructure.autoscale.max " + hi + " is below min " + lo);
            }
            int cpu = (int) min(1, "infrastructure.autoscale.target-cpu", i.autoscale().targetCpu(), 70);
            if (cpu > 100) {
                throw new IllegalArgumentException("infrastructure.autoscale.target-cpu must be a percentage: " + cpu);
            }
            autoscale = new Placement.Autoscale(lo, hi, cpu);
        }
        Integer storageGb = i.storageGb() == null ? null
                : (int) min(1, "infrastructure.storage-gb", i.storageGb(), 1);
        Placement.Infrastructure infrastructure = new Placement.Infrastructure(i.instanceSize(), instanceCount,
                autoscale, storageGb, i.storageRedundancy());
        List<Integer> ports = c.network() == null || c.network().inboundPorts() == null ? List.of(443)
                : c.network().inboundPorts();
        for (Integer port : ports) {
            if (port == null || port < 1 || port > 65535) {
                throw new IllegalArgumentException("network.inbound-ports must be ports, not " + ports);
            }
        }
        Placement.Network network = new Placement.Network(ports,
                c.network() != null && Boolean.TRUE.equals(c.network().privateEndpoint()));
        boolean diagnostics = c.diagnostics() == null || c.diagnostics().enabled() == null
                || c.diagnostics().enabled();
        List<String> blocking = c.hardening() == null || c.hardening().blocking() == null ? List.of()
                : c.hardening().blocking();
        Double limit = c.budget() == null ? null : c.budget().monthlyLimit();
        if (limit != null && !(limit > 0)) {
            throw new IllegalArgumentException("budget.monthly-limit must be positive: " + limit);
        }
        boolean gate = c.pipeline() != null && Boolean.TRUE.equals(c.pipeline().approvalBeforeProvision());
        return new TargetSettings(new Placement(provider, kind, infrastructure, network, diagnostics, azure),
                new Policy(blocking, limit), gate);
    }

    /**
     * {@code application.log-level}, {@code hot-reload} and {@code source-maps} as the instance's {@code LOG_LEVEL},
     * {@code HOT_RELOAD} and {@code SOURCE_MAPS} (an {@code app.env} variable of the same name wins).
     */
    private static Map<String, String> applicationVariables(ConfigSchema.Application a) {
        Map<String, String> env = new LinkedHashMap<>();
        if (a != null) {
            if (a.logLevel() != null) {
                env.put("LOG_LEVEL", a.logLevel());
            }
            if (a.hotReload() != null) {
                env.put("HOT_RELOAD", a.hotReload().toString());
            }
            if (a.sourceMaps() != null) {
                env.put("SOURCE_MAPS", a.sourceMaps().toString());
            }
        }
        return env;
    }

    private static RecoveryPolicy recovery(ConfigSchema c) {
        RecoveryPolicy d = RecoveryPolicy.DEFAULTS;
        ConfigSchema.Recovery r = c.recovery() == null ? new ConfigSchema.Recovery(null, null, null) : c.recovery();
        return new RecoveryPolicy((int) min(1, "recovery.max-attempts", r.maxAttempts(), d.maxAttempts()),
                min(0, "recovery.infrastructure-retry-delay-ms", r.infrastructureRetryDelayMs(),
                        d.infrastructureRetryDelayMs()),
                min(0, "recovery.application-retry-delay-ms", r.applicationRetryDelayMs(), d.applicationRetryDelayMs()));
    }

    private static RolloutSettings rollout(ConfigSchema c) {
        RolloutSettings d = RolloutSettings.DEFAULTS;
        AnalysisSpec a = d.analysis();
        ConfigSchema.Analysis x = c.analysis() == null ? new ConfigSchema.Analysis(null, null, null, null, null, null,
                null, null, null, null, null, null, null, null) : c.analysis();
        AnalysisSpec analysis = new AnalysisSpec(
                min(1, "analysis.window-ms", x.windowMs(), a.windowMs()),
                min(1, "analysis.probe-interval-ms", x.probeIntervalMs(), a.probeIntervalMs()),
                min(0, "analysis.min-samples", x.minSamples(), a.minSamples()),
                (int) min(0, "analysis.max-extensions", x.maxExtensions(), a.maxExtensions()),
                min(0, "analysis.extension-ms", x.extensionMs(), a.extensionMs()),
                x.insufficientDataPolicy() == null ? a.insufficientDataPolicy() : x.insufficientDataPolicy(),
                ratio("analysis.max-error-rate-ratio", x.maxErrorRateRatio(), a.maxErrorRateRatio()),
                ratio("analysis.max-latency-ratio", x.maxLatencyRatio(), a.maxLatencyRatio()),
                ratio("analysis.min-throughput-ratio", x.minThroughputRatio(), a.minThroughputRatio()),
                ratio("analysis.max-error-rate", x.maxErrorRate(), a.maxErrorRate()),
                ratio("analysis.max-p95-ms", x.maxP95Ms(), a.maxP95Ms()),
                x.healthPaths() == null || x.healthPaths().isEmpty() ? a.healthPaths() : x.healthPaths(),
                (int) min(1, "analysis.health-failure-threshold", x.healthFailureThreshold(), a.healthFailureThreshold()),
                min(0, "analysis.warmup-ms", x.warmupMs(), a.warmup()));
        ConfigSchema.Rollback rb = c.rollback() == null ? new ConfigSchema.Rollback(null, null) : c.rollback();
        String strategy = rb.strategy() == null ? d.rollbackStrategy() : rb.strategy().trim().toLowerCase(Locale.ROOT);
        if (!List.of(RolloutSettings.IMMEDIATE, RolloutSettings.GRADUAL, RolloutSettings.MANUAL).contains(strategy)) {
            throw new IllegalArgumentException("rollback.strategy must be immediate, gradual or manual, not '"
                    + strategy + "'");
        }
        int instances = (int) min(1, "infrastructure.instance-count",
                c.infrastructure() == null ? null : c.infrastructure().instanceCount(), d.instanceCount());
        ConfigSchema.Rolling rolling = c.rolling() == null ? new ConfigSchema.Rolling(null, null) : c.rolling();
        int surge = (int) min(0, "rolling.max-surge", rolling.maxSurge(), d.maxSurge());
        int unavailable = (int) min(0, "rolling.max-unavailable", rolling.maxUnavailable(), d.maxUnavailable());
        if (surge == 0 && unavailable == 0) {
            throw new IllegalArgumentException("rolling.max-surge and rolling.max-unavailable cannot both be 0");
        }
        ConfigSchema.PipelineKeys p = c.pipeline() == null ? new ConfigSchema.PipelineKeys(null, null, null, null)
                : c.pipeline();
        Map<String, Long> pipelineTimeouts = new LinkedHashMap<>();
        for (String stage : List.of("provision", "deploy", "test", "promote")) {
            Long v = p.timeouts() == null ? null : p.timeouts().get(stage + "-ms");
            if (v != null) {
                pipelineTimeouts.put(stage, min(1, "pipeline.timeouts." + stage + "-ms", v, 1));
            }
        }
        return new RolloutSettings(steps(c.canary() == null ? null : c.canary().steps(), d.canarySteps()), analysis,
                strategy, min(0, "rollback.step-interval-ms", rb.stepIntervalMs(), d.rollbackStepIntervalMs()),
                instances, surge, unavailable,
                p.approvalBeforePromote() == null ? d.approvalBeforePromote() : p.approvalBeforePromote(),
                min(1, "pipeline.approval-timeout-ms", p.approvalTimeoutMs(), d.approvalTimeoutMs()),
                pipelineTimeouts);
    }

    /** Canary weights: each 1..100, strictly increasing; 100 is appended when missing. */
    private static List<Integer> steps(List<String> raw, List<Integer> fallback) {
        if (raw == null) {
            return fallback;
        }
        List<Integer> steps = new ArrayList<>();
        for (String o : raw) {
            int w;
            try {
                w = Integer.parseInt(o);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("canary.steps must be whole weights, not " + raw);
            }
            if (w < 1 || w > 100 || (!steps.isEmpty() && w <= steps.get(steps.size() - 1))) {
                throw new IllegalArgumentException("canary.steps must be increasing weights in 1..100, not " + raw);
            }
            steps.add(w);
        }
        if (steps.isEmpty() || steps.get(steps.size() - 1) != 100) {
            steps.add(100);
        }
        return List.copyOf(steps);
    }

    /** {@code value}, at least {@code least}; {@code fallback} when the key is absent. */
    private static long min(long least, String key, Number value, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.longValue() < least) {
            throw new IllegalArgumentException(key + (least == 0 ? " must not be negative: " : " must be positive: ")
                    + value);
        }
        return value.longValue();
    }

    private static void required(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(key + " is required with target.provider azure");
        }
    }

    private static double ratio(String key, Double value, double fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 0 || value.isNaN()) {
            throw new IllegalArgumentException(key + " must not be negative: " + value);
        }
        return value;
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    /** The configuration as the schema, dotted keys ("router.port") nested first; a bad value names its key. */
    private static ConfigSchema read(Map<String, Object> config) {
        try {
            return MAPPER.convertValue(nested(config == null ? Map.of() : config), ConfigSchema.class);
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof JsonMappingException m) {
                String key = m.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                        .filter(Objects::nonNull).reduce((x, y) -> x + "." + y).orElse("configuration");
                Object value = m instanceof InvalidFormatException f ? f.getValue() : null;
                throw new IllegalArgumentException(key + " has a value of the wrong type"
                        + (value == null ? "" : " ('" + value + "')"), e);
            }
            throw e;
        }
    }

    /**
     * The config-service may publish nested ({@code router: {port: 18080}}) or flat ({@code "router.port": 18080})
     * keys: flat ones are nested here. The variables under {@code app.env} are names, never split.
     */
    private static Map<String, Object> nested(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        putAll(out, "", map);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void putAll(Map<String, Object> into, String at, Map<?, ?> map) {
        map.forEach((k, v) -> {
            Map<String, Object> target = into;
            String[] keys = String.valueOf(k).split("\\.");
            String path = at;
            for (int i = 0; i < keys.length - 1; i++) {
                path = path + keys[i] + ".";
                target = (Map<String, Object>) target.compute(keys[i],
                        (key, old) -> old instanceof Map<?, ?> ? old : new LinkedHashMap<String, Object>());
            }
            String last = keys[keys.length - 1];
            if (v instanceof Map<?, ?> m && !(path + last).equals("app.env")) {
                Map<String, Object> child = (Map<String, Object>) target.compute(last,
                        (key, old) -> old instanceof Map<?, ?> ? old : new LinkedHashMap<String, Object>());
                putAll(child, path + last + ".", m);
            } else {
                target.put(last, v);
            }
        });
    }
}
