package dev.cutover.orchestrator.api;

import dev.cutover.orchestrator.model.Violation;
import dev.cutover.orchestrator.service.DeploymentRequestValidator;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Annotation;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@link DeploymentRequestValidator} rules (which hold for requests from the topic as well) for the fields of a
 * {@link DeploymentRequestBody} that carry no constraint of their own: known strategies, conflict policies and any
 * rule the service adds. Checked with the annotations, so that one 400 names every bad field.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ServiceRules.Check.class)
public @interface ServiceRules {

    String message() default "breaks a deployment request rule";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<ServiceRules, DeploymentRequestBody> {

        /** The fields whose own annotations say what the service would. */
        private static final Set<String> ANNOTATED = Arrays.stream(DeploymentRequestBody.class.getDeclaredFields())
                .filter(f -> Arrays.stream(f.getAnnotations()).map(Annotation::annotationType)
                        .anyMatch(t -> t.isAnnotationPresent(Constraint.class)))
                .map(java.lang.reflect.Field::getName).collect(Collectors.toUnmodifiableSet());

        @Override
        public boolean isValid(DeploymentRequestBody body, ConstraintValidatorContext context) {
            if (body == null) {
                return true;
            }
            List<Violation> broken = DeploymentRequestValidator.validate(body.toRequest()).stream()
                    .filter(v -> !ANNOTATED.contains(v.field())).toList();
            if (broken.isEmpty()) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            for (Violation v : broken) {
                // the service's words as they are, not a message template
                context.buildConstraintViolationWithTemplate(v.message().replaceAll("([\\\\{}$])", "\\\\$1"))
                        .addPropertyNode(v.field()).addConstraintViolation();
            }
            return false;
        }
    }
}
