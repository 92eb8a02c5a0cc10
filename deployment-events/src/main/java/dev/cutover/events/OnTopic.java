package dev.cutover.events;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The topic every message of the annotated family (a sealed interface of commands or events) is published to;
 * {@link Message#topic()} reads it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OnTopic {

    /** One of {@link Topics}. */
    String value();
}
