package dev.thingbridge.commands;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The AWS IoT Commands topics of one device: {@code $aws/commands/things/{thing}/...} for a registered
 * thing or {@code $aws/commands/clients/{clientId}/...} for a plain MQTT client, formatted and parsed.
 * Execution ids are 1-64 characters of {@code [a-zA-Z0-9_-]}.
 */
public final class CommandTopics {
  /** Longest execution id. */
  public static final int MAX_EXECUTION_ID = 64;
  private static final Pattern EXECUTION_ID = Pattern.compile("[a-zA-Z0-9_-]{1," + MAX_EXECUTION_ID + "}");

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
    if (deviceId == null || deviceId.isEmpty() || deviceId.length() > 128 || deviceId.contains("/")
        || deviceId.contains("+") || deviceId.contains("#")) {
      throw new IllegalArgumentException("device id must be 1-128 characters without '/', '+' or '#': " + deviceId);
    }
    this.deviceId = deviceId;
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
    return prefix + checkExecutionId(executionId) + "/request" + (format == null ? "" : "/" + format.suffix());
  }

  /** Where the device publishes status updates. */
  public String response(String executionId, CommandFormat format) {
    return prefix + checkExecutionId(executionId) + "/response/" + format.suffix();
  }

  public String accepted(String executionId, CommandFormat format) {
    return prefix + checkExecutionId(executionId) + "/response/accepted/" + format.suffix();
  }

  public String rejected(String executionId, CommandFormat format) {
    return prefix + checkExecutionId(executionId) + "/response/rejected/" + format.suffix();
  }

  /** A filter covering the accepted replies of every execution. */
  public String acceptedFilter(CommandFormat format) {
    return prefix + "+/response/accepted/" + format.suffix();
  }

  /** A filter covering the rejected replies of every execution. */
  public String rejectedFilter(CommandFormat format) {
    return prefix + "+/response/rejected/" + format.suffix();
  }

  /**
   * Checks an execution id.
   *
   * @throws IllegalArgumentException unless 1-64 characters of {@code [a-zA-Z0-9_-]}
   */
  public static String checkExecutionId(String id) {
    if (id == null || !EXECUTION_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("execution id must be 1-" + MAX_EXECUTION_ID
          + " characters of [a-zA-Z0-9_-]: " + (id == null ? "null" : id.length() > 80 ? id.substring(0, 80) + "..." : id));
    }
    return id;
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
    if (type == null || !EXECUTION_ID.matcher(l[5]).matches()) {
      return Optional.empty();
    }
    CommandTopic.Kind kind = null;
    CommandFormat format = null;
    if (l[6].equals("request") && l.length == 7) {
      kind = CommandTopic.Kind.REQUEST;
    } else if (l[6].equals("request") && l.length == 8) {
      kind = CommandTopic.Kind.REQUEST;
      format = CommandFormat.ofSuffix(l[7]);
      if (format == null) {
        return Optional.empty();
      }
    } else if (l[6].equals("response") && l.length == 8) {
      kind = CommandTopic.Kind.RESPONSE;
      format = CommandFormat.ofSuffix(l[7]);
    } else if (l[6].equals("response") && l.length == 9 && (l[7].equals("accepted") || l[7].equals("rejected"))) {
      kind = l[7].equals("accepted") ? CommandTopic.Kind.ACCEPTED : CommandTopic.Kind.REJECTED;
      format = CommandFormat.ofSuffix(l[8]);
    }
    if (kind == null || (kind != CommandTopic.Kind.REQUEST && format == null)) {
      return Optional.empty();
    }
    return Optional.of(new CommandTopic(type, l[3], kind, l[5], format));
  }
}
