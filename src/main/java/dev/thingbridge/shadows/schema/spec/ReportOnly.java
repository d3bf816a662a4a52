package dev.thingbridge.shadows.schema.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a state field the device reports but the cloud never sets (firmware version, uptime, last error).
 *
 * <p>The field never appears in the desired projection, a delta that names it is rejected, and it is left out of
 * desired cleanup. By default it is transient: never persisted and not part of the schema fingerprint, so after a
 * restart it holds its default until the device reports it again. With {@code persist = true} it is stored (in the
 * same field-level layout as the rest of the state) whenever it is reported, is part of the fingerprint, and is
 * loaded back at boot.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
public @interface ReportOnly {
  /** Whether the reported value is persisted and loaded back at boot. */
  boolean persist() default false;
}
