package dev.cutover.orchestrator.model;

import java.util.Objects;

/**
 * Who asks for a change, as the audit records it: the token's subject (REST), or {@code ci:<source>} for a
 * signed CI request (the requests topic, the webhook endpoint). Never the token or a key itself.
 */
public record Actor(String subject, Via via) {

    /** How the request arrived: {@code rest}, {@code kafka}, {@code webhook}. */
    public enum Via implements WireKind {
        REST, KAFKA, WEBHOOK
    }

    public Actor {
        Objects.requireNonNull(via, "via");
        subject = PlainText.of(subject);
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("an actor needs a subject");
        }
    }

    /** A caller of the REST API, by its token's subject. */
    public static Actor rest(String subject) {
        return new Actor(subject, Via.REST);
    }

    /** A signed request from the requests topic: {@code ci:<source>}. */
    public static Actor kafka(String subject) {
        return new Actor(subject, Via.KAFKA);
    }

    /** A signed request from the CI webhook endpoint: {@code ci:<source>}. */
    public static Actor webhook(String subject) {
        return new Actor(subject, Via.WEBHOOK);
    }
}
