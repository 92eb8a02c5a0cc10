package dev.cutover.orchestrator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.orchestrator.store.StateUnavailableException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every state-changing call (a deployment, an operator action, a redeploy, a CI webhook) whose snapshot the state
 * topic did not take: {@code 503 application/problem+json} with {@code Retry-After}, instead of a bare 500. The write
 * failed before anything was made visible or published, so nothing was accepted and the client may simply retry.
 */
public class StateUnavailableMapper {

    private static final Logger LOG = Logger.getLogger(StateUnavailableMapper.class);

    @Inject
    ObjectMapper json;

    @ServerExceptionMapper
    public Response unavailable(StateUnavailableException e) {
        LOG.warnf("answering 503: %s", e.getMessage());
        return Problem.stateUnavailable().response(json, Problem.RETRY_AFTER_UNAVAILABLE_SECONDS);
    }
}
