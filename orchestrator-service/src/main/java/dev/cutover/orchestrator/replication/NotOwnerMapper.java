package dev.cutover.orchestrator.replication;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** A write whose target moved to another replica while it ran: 503 problem+json with Retry-After. */
public class NotOwnerMapper {

    @Inject
    OwnerRouter router;

    @ServerExceptionMapper
    public Response map(NotOwnerException e) {
        return router.notOwner(e);
    }
}
