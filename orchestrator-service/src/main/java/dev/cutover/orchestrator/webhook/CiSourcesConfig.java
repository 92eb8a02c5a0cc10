package dev.cutover.orchestrator.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

import java.util.Map;

/**
 * The CI sources allowed to request deployments (on the requests topic or {@code POST /webhooks/<source>}), e.g.
 *
 * <pre>
 * cutover.orchestrator.ci-sources.shop-ci.key=ci-shop-ci-key        # a secret's name in the SecretStore
 * cutover.orchestrator.ci-sources.shop-gh.key=ci-shop-gh-key
 * cutover.orchestrator.ci-sources.shop-gh.signature=github          # webhook endpoint only: X-Hub-Signature-256
 * </pre>
 *
 * None by default: every request is refused as {@code unknown-source} until one is configured.
 */
@ConfigMapping(prefix = "cutover.orchestrator.ci-sources")
public interface CiSourcesConfig {

    @WithParentName
    Map<String, Source> sources();

    interface Source {

        /**
         * The name of the secret holding the source's HMAC key in the service's SecretStore
         * ({@code cutover.secrets.*}): {@code whsec_<base64>} (Standard Webhooks) or, for GitHub, the webhook's
         * secret text.
         */
        String key();

        /** {@code standard-webhooks} or {@code github} (then the webhook endpoint checks X-Hub-Signature-256). */
        @WithDefault("standard-webhooks")
        String signature();
    }
}
