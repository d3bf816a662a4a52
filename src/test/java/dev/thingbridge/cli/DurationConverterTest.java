package dev.thingbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {
  private final DurationConverter converter = new DurationConverter();

  @Test
  void short_forms_and_iso_8601_are_read() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("1H")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void a_bare_number_is_seconds_as_in_mosquitto_sub_and_the_aws_cli() {
    assertThat(converter.convert("5")).isEqualTo(Duration.ofSeconds(5));
    assertThat(converter.convert("0.5")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert(" 90 ")).isEqualTo(Duration.ofSeconds(90));
    assertThat(converter.convert("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(converter.convert("1.5m")).isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void zero_negative_and_garbage_are_refused_with_examples() {
    assertThatThrownBy(() -> converter.convert("0ms")).isInstanceOf(CommandLine.TypeConversionException.class);
    assertThatThrownBy(() -> converter.convert("0")).hasMessageContaining("longer than zero");
    assertThatThrownBy(() -> converter.convert("-5")).hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> converter.convert("PT-1S")).hasMessageContaining("longer than zero");
    assertThatThrownBy(() -> converter.convert("5 minutes")).hasMessageContaining("seconds, or with a unit: 500ms, 30s");
  }
}
