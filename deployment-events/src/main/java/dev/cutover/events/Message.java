package dev.cutover.events;

/** Every command and event on Cutover's topics. */
public sealed interface Message permits Command, Event {

    Meta meta();

    Target target();

    /** The topic this message is published to: its family's {@link OnTopic} (see {@link Topics}). */
    default String topic() {
        return Topics.of(getClass());
    }
}
