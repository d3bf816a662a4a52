package dev.thingbridge.defender;

import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.PayloadFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * The Device Defender metrics topics of a thing: {@code $aws/things/{thing}/defender/metrics/{fmt}} and its
 * {@code /accepted} and {@code /rejected} replies, {@code {fmt}} being {@code json} or {@code cbor}. A device
 * may publish for another thing (an attached MCU) on that thing's topics over its own connection.
 */
public final class DefenderTopics {
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
    return PREFIX + AwsNames.requireThingName(thingName) + MIDDLE + format.suffix();
  }

  /** The accepted reply topic. */
  public static String accepted(String thingName, PayloadFormat format) {
    return report(thingName, format) + "/accepted";
  }

  /** The rejected reply topic. */
  public static String rejected(String thingName, PayloadFormat format) {
    return report(thingName, format) + "/rejected";
  }

  /** Parses the three topic forms; anything else gives empty. */
  public static Optional<Parsed> parse(String topic) {
    if (topic == null || !topic.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] l = topic.split("/", -1);
    if ((l.length != 6 && l.length != 7) || !l[3].equals("defender") || !l[4].equals("metrics")
        || !AwsNames.isThingName(l[2])) {
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
