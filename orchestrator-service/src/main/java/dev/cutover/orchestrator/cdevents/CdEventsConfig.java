package dev.cutover.orchestrator.cdevents;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Map;
import java.util.Optional;

/**
 * CDEvents in and out (README "CDEvents"), e.g.
 *
 * <pre>
 * # an artifact.published whose purl starts with pkg:oci/acme/shop deploys application shop to staging
 * cutover.orchestrator.cdevents.rules.shop.purl=pkg:oci/acme/shop
 * cutover.orchestrator.cdevents.rules.shop.environment=staging
 * cutover.orchestrator.cdevents.rules.shop.artifact=https://artifacts.acme.example/shop/{version}/shop.tar.gz
 * # emitted service.* events are also POSTed (structured CloudEvents) here
 * cutover.orchestrator.cdevents.sinks.audit.url=https://events.acme.example/cdevents
 * </pre>
 */
@ConfigMapping(prefix = "cutover.orchestrator.cdevents")
public interface CdEventsConfig {

    /** Mapping rules by name; the first (by name) whose {@code purl} prefix matches decides. None: every event refused. */
    Map<String, Rule> rules();

    /** HTTP endpoints that receive every emitted event. */
    Map<String, Sink> sinks();

    /** The {@code source} of the CDEvents Cutover emits. */
    @WithDefault("/cutover/orchestrator")
    String source();

    interface Rule {
        /** A purl prefix ({@code pkg:<type>/<namespace>/<name>}): the artifact's purl must start with it. */
        String purl();

        /** The application; default: the purl's name. */
        Optional<String> application();

        /**
         * The environment; default: the event's {@code customData.environment} (then an event without one is
         * refused).
         */
        Optional<String> environment();

        /**
         * Where the artifact is: a template with {@code {name}} and {@code {version}}; default: the purl's
         * {@code download_url} qualifier.
         */
        Optional<String> artifact();

        /** The strategy; default: the environment's. */
        Optional<String> strategy();
    }

    interface Sink {
        String url();

        /** Delivery attempts before the event is given up for this sink (logged and counted). */
        @WithDefault("3")
        int attempts();
    }
}
