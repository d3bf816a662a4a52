package dev.thingbridge.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the environment variable an option takes its default from ({@code THINGBRIDGE_ENDPOINT} for
 * {@code --endpoint}, say). The flag wins over the variable, the variable over the option's own default;
 * help shows the value in effect.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface EnvironmentDefault {
  /** The variable's name. */
  String value();
}
