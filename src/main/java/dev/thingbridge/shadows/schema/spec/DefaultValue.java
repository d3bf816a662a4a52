package dev.thingbridge.shadows.schema.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value a field takes in the default state, at first boot, for a new map entry, and whenever its stored key is
 * missing at load. Written as JSON: {@code @DefaultValue("5000")}, {@code @DefaultValue("\"eth0\"")},
 * {@code @DefaultValue("{\"retries\":3}")} (for a nested object it is applied over that object's own defaults).
 *
 * <p>The JSON is checked against the field's type when the schema is derived; a mismatch fails
 * {@code ShadowSchema.of(Class)}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface DefaultValue {
  /** The default, as a JSON text. */
  String value();
}
