package dev.thingbridge.shadows.schema.spec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An older stored location of a leaf field, read when the schema fingerprint changed and the field's own key is
 * missing or unreadable. Repeatable; sources are tried in declaration order and the first one found wins.
 *
 * <p>The path is relative to the shadow, with {@code /} between segments ({@code "old_timeout"},
 * {@code "/network/timeout_ms"}). The value found is passed through the {@link #converter()} (if any), checked
 * against the field's type and written to the field's own key. The old key is kept until
 * {@code ShadowStateStore.commit()} (package {@code shadows.store}), so firmware rolled back by OTA still finds it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
@Repeatable(MigrateFrom.List.class)
public @interface MigrateFrom {
  /** The old path of the value inside the shadow. */
  String value();

  /** Turns the old value into the new field's JSON; the default keeps it as is. Needs a no-argument constructor. */
  Class<? extends FieldConverter> converter() default FieldConverter.Identity.class;

  /** Container of repeated {@link MigrateFrom} annotations. */
  @Documented
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT})
  @interface List {
    MigrateFrom[] value();
  }
}
