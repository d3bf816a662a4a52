package dev.thingbridge.shadows.schema.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Treats a field, or a variant of a {@link TaggedUnion}, as one atomic value: a delta replaces it whole, it is
 * (de)serialized by Jackson as a unit and persisted under one key.
 *
 * <p>On a union variant that is a record with exactly one component, that component is the variant's content
 * (a "newtype" variant): an adjacently tagged {@code record Named(String value)} is written
 * {@code {"kind":"named","value":"hello"}}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT,
    ElementType.TYPE})
public @interface Opaque {}
