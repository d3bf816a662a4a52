package dev.thingbridge.commands;

import dev.thingbridge.mqtt.AwsNames;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The AWS IoT Commands topics of one device: {@code $aws/commands/things/{thing}/...} for a registered
 * thing or {@code $aws/commands/clients/{clientId}/...} for a plain MQTT client, formatted and parsed.
 * Names follow {@link AwsNames}: a thing name for a thing, a client id for a client, and execution ids of 1-64
 * characters of {@code [a-zA-Z0-9_-]}.
 */
public final class CommandTopics {
  /** Whom a command targets. */
  public enum DeviceType {
    /** A registered thing; the id is its name. */
    THINGS,
    /** An MQTT client that is not a thing; the id is its client id. */
    CLIENTS;

    public String level() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final DeviceType deviceType;
  private final String deviceId;
  private final String prefix;

  public CommandTopics(DeviceType deviceType, String deviceId) {
    this.deviceType = Objects.requireNonNull(deviceType, "deviceType");
    this.deviceId = deviceType == DeviceType.THINGS ? AwsNames.requireThingName(deviceId)
        : AwsNames.requireClientId(deviceId);
    this.prefix = "$aws/commands/" + deviceType.level() + "/" + deviceId + "/executions/";
  }

  /** The topics of a registered thing. */
  public static CommandTopics forThing(String thingName) {
    return new CommandTopics(DeviceType.THINGS, thingName);
  }

  /** The topics of a plain MQTT client. */
  public static CommandTopics forClient(String clientId) {
    return new CommandTopics(DeviceType.CLIENTS, clientId);
  }

  public DeviceType deviceType() {
    return deviceType;
  }

  public String deviceId() {
    return deviceId;
  }

  /** The wildcard filter for requests in a format; null format for the generic (raw) request topic. */
  public String requestFilter(CommandFormat format) {
    return prefix + "+/request" + (format == null ? "" : "/" + format.suffix());
  }

  /** The request topic of one execution (what the cloud publishes). */
  public String request(String executionId, CommandFormat format) {
    return prefix + AwsNames.requireExecutionId(executionId) + "/request" + suffix(format);
  }

  /** Where the device publishes status updates; a null format gives the bare {@code .../response} (read as JSON). */
  public String response(String executionId, CommandFormat format) {
    return prefix + AwsNames.requireExecutionId(executionId) + "/response" + suffix(format);
  }

  public String accepted(String executionId, CommandFormat format) {
    return prefix + AwsNames.requireExecutionId(executionId) + "/response/accepted" + suffix(format);
  }

  public String rejected(String executionId, CommandFormat format) {
    return prefix + AwsNames.requireExecutionId(executionId) + "/response/rejected" + suffix(format);
  }

  /** A filter covering the accepted replies of every execution. */
  public String acceptedFilter(CommandFormat format) {
    return prefix + "+/response/accepted/" + format.suffix();
  }

  /** A filter covering the rejected replies of every execution. */
  public String rejectedFilter(CommandFormat format) {
    return prefix + "+/response/rejected/" + format.suffix();
  }

  private static String suffix(CommandFormat format) {
    return format == null ? "" : "/" + format.suffix();
  }

  /** Parses a commands topic; anything else (or an invalid id, an unknown format) gives an empty result. */
  public static Optional<CommandTopic> parse(String topic) {
    if (topic == null || !topic.startsWith("$aws/commands/")) {
      return Optional.empty();
    }
    String[] l = topic.split("/", -1);
    if (l.length < 7 || l.length > 9 || !l[4].equals("executions") || l[3].isEmpty()) {
      return Optional.empty();
    }
    DeviceType type = switch (l[2]) {
      case "things" -> DeviceType.THINGS;
      case "clients" -> DeviceType.CLIENTS;
      default -> null;
    };
    if (type == null || !AwsNames.isExecutionId(l[5])) {
      return Optional.empty();
    }
    CommandTopic.Kind kind;
    int formatAt;
    if (l[6].equals("request")) {
      kind = CommandTopic.Kind.REQUEST;
      formatAt = 7;
    } else if (l[6].equals("response") && l.length > 7 && (l[7].equals("accepted") || l[7].equals("rejected"))) {
      kind = l[7].equals("accepted") ? CommandTopic.Kind.ACCEPTED : CommandTopic.Kind.REJECTED;
      formatAt = 8;
    } else if (l[6].equals("response")) {
      kind = CommandTopic.Kind.RESPONSE;
      formatAt = 7;
    } else {
      return Optional.empty();
    }
    CommandFormat format = null; // no suffix: a generic request, or a response AWS reads as JSON
    if (l.length == formatAt + 1) {
      format = CommandFormat.ofSuffix(l[formatAt]);
      if (format == null) {
        return Optional.empty();
      }
    } else if (l.length != formatAt) {
      return Optional.empty();
    }
    return Optional.of(new CommandTopic(type, l[3], kind, l[5], format));
  }
}
