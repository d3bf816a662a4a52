package dev.thingbridge.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads every DURATION flag the same way: a bare number is seconds ({@code 5}, {@code 0.5}), as with
 * mosquitto_sub's {@code -W} and the AWS CLI; a unit may follow ({@code 500ms}, {@code 30s}, {@code 2m},
 * {@code 1h}, {@code 1d}); ISO-8601 ({@code PT1M30S}) works too. Must be longer than zero.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern SHORT = Pattern.compile("(\\d{1,9}(?:\\.\\d{1,9})?)\\s*(ms|s|m|h|d)?");

  @Override
  public Duration convert(String value) {
    Duration d = parse(value);
    if (d.isNegative() || d.isZero()) {
      throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
    }
    return d;
  }

  private static Duration parse(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(v);
    if (m.matches()) {
      BigDecimal n = new BigDecimal(m.group(1));
      long millisPerUnit = switch (m.group(2) == null ? "s" : m.group(2)) {
        case "ms" -> 1;
        case "s" -> 1_000;
        case "m" -> 60_000;
        case "h" -> 3_600_000;
        default -> 86_400_000;
      };
      return Duration.ofNanos(n.multiply(BigDecimal.valueOf(millisPerUnit * 1_000_000L)).longValue());
    }
    try {
      return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not a duration (seconds, or with a unit: 500ms, 30s, 2m, 1h, 1d, PT1M30S)");
    }
  }
}
