package dev.cutover.orchestrator.notifications;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Webhook sinks told about deployments (README "Notifications"), e.g.
 *
 * <pre>
 * cutover.orchestrator.notifications.sinks.prod-chat.url=https://hooks.slack.com/services/T000/B000/XXXX
 * cutover.orchestrator.notifications.sinks.prod-chat.environments=production
 * cutover.orchestrator.notifications.sinks.prod-chat.events=held,rolled-back,failed
 * cutover.orchestrator.notifications.sinks.audit.url=https://audit.example/cutover
 * cutover.orchestrator.notifications.sinks.audit.format=cloudevents
 * cutover.orchestrator.notifications.sinks.audit.key=notify-audit     # Standard Webhooks signature, key in the SecretStore
 * </pre>
 */
@ConfigMapping(prefix = "cutover.orchestrator.notifications")
public interface NotificationsConfig {

    Map<String, Sink> sinks();

    interface Sink {
        /** Where to POST. Not logged (a Slack webhook URL is a credential). */
        String url();

        /** The environments whose deployments it hears about; default: all. */
        Optional<List<String>> environments();

        /**
         * Which events: {@code started}, {@code step}, {@code held}, {@code rolled-back}, {@code succeeded},
         * {@code failed}; default: all.
         */
        Optional<List<String>> events();

        /** {@code slack} (Slack-compatible {@code {"text": …}}) or {@code cloudevents} (structured CloudEvent). */
        @WithDefault("slack")
        String format();

        /**
         * The name of a secret in the SecretStore holding a Standard Webhooks key ({@code whsec_…}): each delivery is
         * signed with it ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}); the id stays the
         * same across retries, so the receiver can drop a repeat.
         */
        Optional<String> key();

        /** Attempts before the notification goes to the dead-letter topic. */
        @WithDefault("5")
        int attempts();

        /** The wait before the second attempt; doubled after each failed one (at most 30 s). */
        @WithDefault("1s")
        Duration backoff();
    }
}
