package dev.thingbridge.shadows.schema.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes a sealed interface whose permitted records are the variants of a tagged union in the shadow state.
 *
 * <p>A variant is named by its {@code @JsonTypeName}, else by its simple class name. A record without components is
 * a unit variant; a record marked {@link Opaque} is an atomic value; any other record is an object whose fields are
 * patched by deltas like any nested object. When a delta switches the variant, the new variant starts from its
 * defaults, and the acknowledgement nulls the previous variant's fields in both reported and desired so that no
 * stale key keeps a delta pending. A sealed interface without this annotation is {@link Tagging#EXTERNAL}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface TaggedUnion {
  /** Where the variant name goes. */
  Tagging tagging() default Tagging.EXTERNAL;

  /** The tag field, for {@link Tagging#INTERNAL} and {@link Tagging#ADJACENT}. */
  String tag() default "type";

  /** The content field, for {@link Tagging#ADJACENT}. */
  String content() default "content";

  /** The variant of the default state; {@code void.class} means the first permitted subclass. */
  Class<?> defaultVariant() default void.class;
}
