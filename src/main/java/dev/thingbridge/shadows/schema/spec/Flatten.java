package dev.thingbridge.shadows.schema.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inlines a {@code Map<String, V>} field into its parent object: its entries sit next to the parent's own fields
 * in JSON ({@code {"brightness":50,"HDMI-A-1":{"enabled":true}}}) and have no path segment of their own in the
 * store. Keys that are not the parent's own fields become map entries. At most one flattened map per object;
 * not combinable with {@link Opaque}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface Flatten {}
