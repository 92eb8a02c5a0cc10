package dev.cutover.orchestrator.settings;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.cutover.events.HealthMonitorCommand.InsufficientDataPolicy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The part of a resolved configuration the orchestrator reads, as one typed schema: Jackson maps the
 * configuration's kebab-case keys onto these records ({@link RunSettings#from}). Every field is optional here
 * (null: the default applies); ranges are checked by {@link RunSettings}. Keys the orchestrator does not read
 * (application keys the instance does not get, ...) are ignored: the config-service validates the whole document.
 */
record ConfigSchema(Router router, App app, Health health, Canary canary, Analysis analysis, Rollback rollback,
                    Infrastructure infrastructure, Rolling rolling, PipelineKeys pipeline, Recovery recovery,
                    Application application, Security security, TargetKeys target, Network network,
                    Diagnostics diagnostics, Hardening hardening, Budget budget, Artifact artifact) {

    record Router(Integer port) {
    }

    /**
     * {@code app.env}: the instance's environment; values of any scalar type become strings. {@code app.command}: how
     * a local instance is started ({@code {port}}, {@code {artifact}} substituted by the provisioner).
     */
    record App(Map<String, Object> env, String command) {
    }

    /** {@code application.*}: how the application itself runs; each reaches the instance as a variable. */
    record Application(String logLevel, Boolean hotReload, Boolean sourceMaps) {
    }

    /** {@code security.*}: what the target's router enforces. */
    record Security(Boolean httpsOnly, Boolean hsts, String csp) {
    }

    record Health(@JsonDeserialize(using = Words.class) List<String> paths, Long timeoutMs, Long intervalMs,
                  Integer consecutiveSuccesses, Long maxWaitMs, Integer failureThreshold, Long monitorWindowMs) {
    }

    record Canary(@JsonDeserialize(using = Words.class) List<String> steps) {
    }

    record Analysis(Long windowMs, Long probeIntervalMs, Long minSamples, Integer maxExtensions, Long extensionMs,
                    InsufficientDataPolicy insufficientDataPolicy, Double maxErrorRateRatio, Double maxLatencyRatio,
                    Double minThroughputRatio, Double maxErrorRate, Double maxP95Ms,
                    @JsonDeserialize(using = Words.class) List<String> healthPaths, Integer healthFailureThreshold,
                    Long warmupMs) {
    }

    record Rollback(String strategy, Long stepIntervalMs) {
    }

    record Infrastructure(Integer instanceCount, String instanceSize, Autoscale autoscale, Integer storageGb,
                          String storageRedundancy) {
    }

    record Autoscale(Integer min, Integer max, Integer targetCpu) {
    }

    /** {@code target.*}: the provisioner's provider, the kind of target it makes, and the Azure names. */
    record TargetKeys(String provider, String kind, Azure azure) {
    }

    record Azure(String subscriptionId, String resourceGroup, String region, String name, String keyVault) {
    }

    record Network(List<Integer> inboundPorts, Boolean privateEndpoint) {
    }

    record Diagnostics(Boolean enabled) {
    }

    /** {@code hardening.blocking}: the rules whose failure stops a deployment. */
    record Hardening(@JsonDeserialize(using = Words.class) List<String> blocking) {
    }

    record Budget(Double monthlyLimit) {
    }

    /** {@code artifact.*}: where artifacts may come from and whether a digest is required ({@link ArtifactPolicy}). */
    record Artifact(@JsonDeserialize(using = Words.class) List<String> allowedSources, Boolean requireDigest) {
    }

    record Rolling(Integer maxSurge, Integer maxUnavailable) {
    }

    /** {@code pipeline.timeouts}: {@code <stage>-ms} → a whole-stage timeout. */
    record PipelineKeys(Boolean approvalBeforePromote, Long approvalTimeoutMs, Map<String, Long> timeouts,
                        Boolean approvalBeforeProvision) {
    }

    record Recovery(Integer maxAttempts, Long infrastructureRetryDelayMs, Long applicationRetryDelayMs) {
    }

    /** A list given as a YAML list or as one comma-separated string ("/health, /ready"). */
    static final class Words extends JsonDeserializer<List<String>> {

        @Override
        public List<String> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            List<String> out = new ArrayList<>();
            if (p.currentToken() == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    out.add(p.getValueAsString());
                }
            } else if (p.currentToken() == JsonToken.VALUE_STRING) {
                out.addAll(Arrays.asList(p.getText().split(",")));
            } else {
                return (List<String>) ctx.handleUnexpectedToken(List.class, p);
            }
            return out.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }
}
