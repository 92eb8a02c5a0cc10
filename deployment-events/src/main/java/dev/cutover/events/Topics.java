package dev.cutover.events;

import java.util.List;

/**
 * Every topic name, in one place. One command topic per agent, one event topic per producer, a
 * dead-letter topic beside each consumed topic. Key of every record: {@link Target#key()}.
 */
public final class Topics {

    public static final String DEPLOYMENT_REQUESTS = "cutover.deployment.requests";
    public static final String DEPLOYMENT_EVENTS = "cutover.deployment.events";
    public static final String CONFIG_COMMANDS = "cutover.config.commands";
    public static final String CONFIG_EVENTS = "cutover.config.events";
    public static final String PROVISIONER_COMMANDS = "cutover.provisioner.commands";
    public static final String PROVISIONER_EVENTS = "cutover.provisioner.events";
    public static final String HEALTH_MONITOR_COMMANDS = "cutover.healthmonitor.commands";
    public static final String HEALTH_MONITOR_EVENTS = "cutover.healthmonitor.events";
    public static final String ROLLBACK_COMMANDS = "cutover.rollback.commands";
    public static final String ROLLBACK_EVENTS = "cutover.rollback.events";

    /** Suffix of the dead-letter topic of each consumed topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private Topics() {
    }

    public static List<String> all() {
        return List.of(DEPLOYMENT_REQUESTS, DEPLOYMENT_EVENTS, CONFIG_COMMANDS, CONFIG_EVENTS,
                PROVISIONER_COMMANDS, PROVISIONER_EVENTS, HEALTH_MONITOR_COMMANDS, HEALTH_MONITOR_EVENTS,
                ROLLBACK_COMMANDS, ROLLBACK_EVENTS);
    }

    private static final ClassValue<String> BY_TYPE = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            OnTopic own = type.getAnnotation(OnTopic.class);
            if (own != null) {
                return own.value();
            }
            for (Class<?> parent : type.getInterfaces()) {
                String topic = get(parent);
                if (topic != null) {
                    return topic;
                }
            }
            return null;
        }
    };

    /** The topic of a message type: the {@link OnTopic} of the family it belongs to. */
    public static String of(Class<? extends Message> type) {
        String topic = BY_TYPE.get(type);
        if (topic == null) {
            throw new IllegalArgumentException(type.getName() + " belongs to no family with @OnTopic");
        }
        return topic;
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
