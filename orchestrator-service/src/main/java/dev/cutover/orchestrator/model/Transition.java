package dev.cutover.orchestrator.model;

import dev.cutover.events.Message;

import java.util.List;

/**
 * The result of feeding the state machine: the deployment afterwards and what to publish once it is saved.
 * {@code before} is null for a new deployment; an ignored input returns {@code after == before} and no messages.
 */
public record Transition(Deployment before, Deployment after, List<Message> messages, String reason) {

    public Transition {
        messages = List.copyOf(messages);
    }

    public static Transition ignored(Deployment d) {
        return new Transition(d, d, List.of(), null);
    }

    public boolean changed() {
        return after != before;
    }

    public boolean statusChanged() {
        return before == null || before.status() != after.status();
    }
}
