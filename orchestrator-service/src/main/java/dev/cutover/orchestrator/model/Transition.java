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

    /** The running stage's command was sent again: the same stage, its re-send count went up. */
    public boolean resend() {
        if (before == null || !changed()) {
            return false;
        }
        Stage was = before.currentStage();
        Stage is = after.currentStage();
        return was != null && is != null && was.name().equals(is.name()) && was.startedAt().equals(is.startedAt())
                && is.resends() > was.resends();
    }

    public boolean statusChanged() {
        return before == null || before.status() != after.status();
    }
}
