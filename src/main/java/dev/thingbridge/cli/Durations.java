package dev.thingbridge.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads durations like {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT5S}). */
final class Durations implements CommandLine.ITypeConverter<Duration> {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    Matcher m = SHORT.matcher(value.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
      if (!d.isZero()) {
        return d;
      }
    }
    try {
      Duration d = Duration.parse(value.trim());
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (RuntimeException ignored) {
      // fall through to the error below
    }
    throw new CommandLine.TypeConversionException("not a positive duration (like 500ms, 5s, 2m, 1h): " + value);
  }
}
