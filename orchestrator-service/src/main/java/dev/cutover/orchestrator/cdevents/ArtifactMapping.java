package dev.cutover.orchestrator.cdevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.cutover.orchestrator.cdevents.CloudEvent.InvalidCloudEvent;
import dev.cutover.orchestrator.model.DeploymentRequest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a {@code dev.cdevents.artifact.published} event into a deployment request through the declared rules
 * ({@link CdEventsConfig#rules()}): the artifact is {@code subject.id}, a package URL; the first rule (by name)
 * whose {@code purl} prefix it starts with gives the application (default: the purl's name), the environment
 * (default: {@code customData.environment}), where the artifact is (default: the purl's {@code download_url}) and the
 * strategy (default: the environment's). The version is the purl's; the digest its {@code checksum=sha256:…}
 * qualifier. {@code customData.overrides} (an object) become the request's overrides. What does not map is an
 * {@link InvalidCloudEvent} saying why; the request then goes through the same checks as any other.
 */
public final class ArtifactMapping {

    public static final String ARTIFACT_PUBLISHED = "dev.cdevents.artifact.published.";

    private final Map<String, CdEventsConfig.Rule> rules;
    private final ObjectMapper json;

    public ArtifactMapping(Map<String, CdEventsConfig.Rule> rules, ObjectMapper json) {
        this.rules = new TreeMap<>(rules);
        this.json = json;
    }

    /** Whether the CDEvent is one this mapping turns into a request (others are not refused, only not acted on). */
    public static boolean isArtifactPublished(JsonNode cdevent) {
        return cdevent.path("context").path("type").asText("").startsWith(ARTIFACT_PUBLISHED);
    }

    @SuppressWarnings("unchecked")
    public DeploymentRequest request(JsonNode cdevent) {
        String purlText = cdevent.path("subject").path("id").asText("");
        PackageURL purl;
        try {
            purl = new PackageURL(purlText);
        } catch (MalformedPackageURLException e) {
            throw new InvalidCloudEvent("subject.id is not a package URL: " + e.getMessage());
        }
        if (purl.getVersion() == null) {
            throw new InvalidCloudEvent("subject.id names no version: the purl needs @<version>");
        }
        String base = "pkg:" + purl.getType() + "/" + (purl.getNamespace() == null ? "" : purl.getNamespace() + "/")
                + purl.getName();
        CdEventsConfig.Rule rule = rules.values().stream()
                .filter(r -> base.toLowerCase(Locale.ROOT).startsWith(r.purl().toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new InvalidCloudEvent("no cdevents rule matches " + base));
        JsonNode custom = cdevent.path("customData");
        String environment = rule.environment().orElseGet(() -> custom.path("environment").asText(null));
        if (environment == null || environment.isBlank()) {
            throw new InvalidCloudEvent("no environment: the rule names none and customData.environment is absent");
        }
        Map<String, String> qualifiers = purl.getQualifiers() == null ? Map.of() : purl.getQualifiers();
        String artifact = rule.artifact().map(t -> t.replace("{name}", purl.getName())
                .replace("{version}", purl.getVersion())).orElse(qualifiers.get("download_url"));
        if (artifact == null || artifact.isBlank()) {
            throw new InvalidCloudEvent("no artifact location: the rule has no artifact template and the purl no"
                    + " download_url qualifier");
        }
        String sha256 = null;
        for (String checksum : List.of(qualifiers.getOrDefault("checksum", "").split(","))) {
            if (checksum.toLowerCase(Locale.ROOT).startsWith("sha256:")) {
                sha256 = checksum.substring("sha256:".length()).toLowerCase(Locale.ROOT);
            }
        }
        Map<String, Object> overrides = custom.path("overrides").isObject()
                ? json.convertValue(custom.get("overrides"), Map.class) : Map.of();
        String onConflict = custom.path("onConflict").isTextual() ? custom.get("onConflict").asText() : null;
        return new DeploymentRequest(rule.application().orElse(purl.getName()), environment, purl.getVersion(),
                artifact, rule.strategy().orElse(null), overrides, onConflict, sha256);
    }

    /** The purl Cutover names a deployed version by in the events it emits. */
    public static String purlOf(String application, String version, String sha256) {
        try {
            TreeMap<String, String> qualifiers = sha256 == null ? null : new TreeMap<>(Map.of("checksum",
                    "sha256:" + sha256));
            return new PackageURL("generic", null, application, version, qualifiers, null).canonicalize();
        } catch (MalformedPackageURLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
