package dev.cutover.orchestrator.api;

import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.service.DeploymentRequestValidator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * The body of {@code POST /deployments}, checked by Bean Validation before the resource method runs: each field's
 * own rule as an annotation, in the words {@code DeploymentRequestValidator} uses for requests from the topic, and
 * what annotations cannot say (known strategies, conflict policies, rules across fields) by that validator itself
 * ({@link ServiceRules}), {@code sha256} (64 hex digits) among them. A value of the wrong JSON type, and a field
 * this record does not have, is a 400 naming its field as well ({@link InvalidRequestMapper}).
 */
@ServiceRules
public record DeploymentRequestBody(
        @NotBlank @Pattern(regexp = NAME, message = "must match {regexp}") String application,
        @NotBlank @Pattern(regexp = NAME, message = "must match {regexp}") String environment,
        @NotBlank @Size(max = 128, message = "must be at most {max} characters")
        @Pattern(regexp = BLANK_OR_VERSION, message = "must match " + DeploymentRequestValidator.VERSION_REGEX)
        String version,
        @NotBlank String artifact,
        String strategy,
        Map<String, Object> overrides,
        String onConflict,
        String sha256) {

    /** An application or environment name: also a Kafka key part, a directory and a router name. */
    static final String NAME = "[a-z0-9][a-z0-9-]{0,62}";

    /**
     * The validator's version pattern; a blank value passes it so that it is reported once, as blank (by
     * {@code @NotBlank}), as the validator reports it.
     */
    static final String BLANK_OR_VERSION = "\\s*|" + DeploymentRequestValidator.VERSION_REGEX;

    /** Without a digest. */
    public DeploymentRequestBody(String application, String environment, String version, String artifact,
                                 String strategy, Map<String, Object> overrides, String onConflict) {
        this(application, environment, version, artifact, strategy, overrides, onConflict, null);
    }

    /** The request this body asks for (the webhook endpoint reads the same body). */
    public DeploymentRequest toRequest() {
        return new DeploymentRequest(application, environment, version, artifact, strategy, overrides, onConflict,
                sha256);
    }
}
