package dev.cutover.orchestrator.service;

import dev.cutover.orchestrator.model.DeploymentRequest;
import dev.cutover.orchestrator.model.RunsOn;
import dev.cutover.orchestrator.model.SubmitResult;
import dev.cutover.orchestrator.store.DeploymentRepository;
import dev.cutover.orchestrator.strategy.Strategies;

import java.util.Map;
import java.util.Optional;

/**
 * A strategy the target's kind cannot do, refused at request time when the orchestrator already knows the kind.
 * It knows it only sometimes: the configuration — and with it {@code target.kind} — is resolved by the
 * config-service after the request was accepted (base → environment → overrides), so before that the
 * orchestrator has only what the request itself says ({@code target.kind} in its overrides, or a pinned
 * configuration) and the resolved configuration of the target's earlier deployments, kept in the store. A target
 * never deployed, whose overrides say nothing, is checked once its configuration is resolved (FAILED as a
 * configuration error, before any plan or provisioning). The store's kind may be stale when the environment file
 * changed since; the check after resolution is the one that always runs.
 */
final class TargetKinds {

    private TargetKinds() {
    }

    static Optional<SubmitResult.Unsupported> refusal(DeploymentRequest request, Map<String, Object> pinned,
                                                      DeploymentRepository repository) {
        Optional<String> kind = requested(request.overrides());
        if (kind.isEmpty() && pinned != null) {
            kind = requested(pinned);
        }
        if (kind.isEmpty()) {
            kind = repository.configuredTargetKind(request.target());
        }
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        RunsOn runsOn = Strategies.of(request.strategy()).runsOn();
        String k = kind.get();
        return runsOn.allows(k) ? Optional.empty()
                : Optional.of(new SubmitResult.Unsupported(request.strategy(), k, runsOn.refusal(request.strategy(), k)));
    }

    /** {@code target.kind} as the overrides (or a configuration) give it: nested or as the flat key. */
    static Optional<String> requested(Map<String, Object> config) {
        if (config == null) {
            return Optional.empty();
        }
        Object flat = config.get("target.kind");
        if (flat instanceof String s) {
            return Optional.of(s.trim());
        }
        if (config.get("target") instanceof Map<?, ?> target && target.get("kind") instanceof String s) {
            return Optional.of(s.trim());
        }
        return Optional.empty();
    }
}
