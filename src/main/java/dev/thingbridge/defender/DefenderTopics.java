package dev.thingbridge.defender;

import dev.thingbridge.mqtt.PayloadFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Device Defender metrics topics of a thing: {@code $aws/things/{thing}/defender/metrics/{fmt}} and its
 * {@code /accepted} and {@code /rejected} replies, {@code {fmt}} being {@code json} or {@code cbor}. A device
 * may publish for another thing (an attached MCU) on that thing's topics over its own connection.
 */
public final class DefenderTopics {
  private static final Pattern THING_NAME = Pattern.compile("[a-zA-Z0-9:_-]{1,128}");
  private static final String PREFIX = "$aws/things/";
  private static final String MIDDLE = "/defender/metrics/";

  private DefenderTopics() {}

  /** Which topic of the pair. */
  public enum Kind {
    REPORT, ACCEPTED, REJECTED
  }

  /** A parsed metrics topic. */
  public record Parsed(String thingName, PayloadFormat format, Kind kind) {}

  /** Where a thing's reports are published. */
  public static String report(String thingName, PayloadFormat format) {
    Objects.requireNonNull(format, "format");
    return PREFIX + checkThingName(thingName) + MIDDLE + format.suffix();
  }

  /** The accepted reply topic. */
  public static String accepted(String thingName, PayloadFormat format) {
    return report(thingName, format) + "/accepted";
  }

  /** The rejected reply topic. */
  public static String rejected(String thingName, PayloadFormat format) {
    return report(thingName, format) + "/rejected";
  }

  /**
   * Checks a thing name.
   *
   * @throws IllegalArgumentException unless 1-128 characters of {@code [a-zA-Z0-9:_-]}
   */
  public static String checkThingName(String name) {
    if (name == null || !THING_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a thing name is 1-128 characters of [a-zA-Z0-9:_-]: "
          + (name == null ? "null" : name.length() > 60 ? name.substring(0, 60) + "..." : "'" + name + "'"));
    }
    return name;
  }

  /** Parses the three topic forms; anything else gives empty. */
  public static Optional<Parsed> parse(String topic) {
    if (topic == null || !topic.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] l = topic.split("/", -1);
    if ((l.length != 6 && l.length != 7) || !l[3].equals("defender") || !l[4].equals("metrics")
        || !THING_NAME.matcher(l[2]).matches()) {
      return Optional.empty();
    }
    PayloadFormat format = PayloadFormat.ofSuffix(l[5]);
    if (format == null) {
      return Optional.empty();
    }
    Kind kind = l.length == 6 ? Kind.REPORT
        : l[6].equals("accepted") ? Kind.ACCEPTED : l[6].equals("rejected") ? Kind.REJECTED : null;
    return kind == null ? Optional.empty() : Optional.of(new Parsed(l[2], format, kind));
  }
}
