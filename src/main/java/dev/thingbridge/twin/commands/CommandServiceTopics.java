package dev.thingbridge.twin.commands;

import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.twin.commands.DeviceTarget.DeviceType;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reserved MQTT topics of AWS IoT commands, formatted and parsed.
 *
 * <pre>
 * $aws/commands/{things|clients}/{deviceId}/executions/{executionId}/request[/json|/cbor]      cloud to device
 * $aws/commands/{things|clients}/{deviceId}/executions/{executionId}/response[/json|/cbor]     device to cloud
 * $aws/commands/{things|clients}/{deviceId}/executions/{executionId}/response/accepted[/json|/cbor]
 * $aws/commands/{things|clients}/{deviceId}/executions/{executionId}/response/rejected[/json|/cbor]
 * $aws/events/commandExecution/{commandId}/{status}                                           events
 * </pre>
 *
 * <p>The request's suffix follows the command's content type ({@code application/json}, {@code
 * application/cbor}, anything else none). Execution ids are 1-64 characters of {@code [a-zA-Z0-9_-]}. Parsing
 * rejects every other shape (other prefixes, empty or overlong segments, unknown suffixes).
 */
public final class CommandServiceTopics {
  private static final Pattern COMMAND_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final String PREFIX = "$aws/commands/";

  private CommandServiceTopics() {}

  /** The payload format a topic carries, from its last segment. */
  public enum PayloadFormat {
    /** {@code /json}. */
    JSON("json"),
    /** {@code /cbor}. */
    CBOR("cbor"),
    /** No suffix: any other content type on requests; JSON (as a choice of the twin) on responses. */
    NONE(null);

    private final String suffix;

    PayloadFormat(String suffix) {
      this.suffix = suffix;
    }

    /** The topic suffix including its slash, or the empty string. */
    public String topicSuffix() {
      return suffix == null ? "" : "/" + suffix;
    }

    /** The request format for a command's content type: JSON, CBOR, or NONE for anything else. */
    public static PayloadFormat forContentType(String contentType) {
      if (contentType == null) {
        return NONE;
      }
      int semicolon = contentType.indexOf(';');
      String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
      if (media.equalsIgnoreCase("application/json")) {
        return JSON;
      }
      if (media.equalsIgnoreCase("application/cbor")) {
        return CBOR;
      }
      return NONE;
    }
  }

  /** What a commands topic is for. */
  public enum Kind {
    REQUEST,
    RESPONSE,
    ACCEPTED,
    REJECTED
  }

  /**
   * A parsed commands topic.
   *
   * @param kind request, response, accepted or rejected
   * @param target the device
   * @param executionId the execution id (the 6th segment)
   * @param format the suffix
   */
  public record Parsed(Kind kind, DeviceTarget target, String executionId, PayloadFormat format) {
    public Parsed {
      Objects.requireNonNull(kind);
      Objects.requireNonNull(target);
      Objects.requireNonNull(format);
      requireExecutionId(executionId);
    }

    /** This topic formatted again. */
    public String topic() {
      return CommandServiceTopics.format(kind, target, executionId, format);
    }
  }

  /** Whether {@code id} is a valid execution id. */
  public static boolean isValidExecutionId(String id) {
    return AwsNames.isExecutionId(id);
  }

  /** Whether {@code id} is a valid command id. */
  public static boolean isValidCommandId(String id) {
    return id != null && COMMAND_ID.matcher(id).matches();
  }

  /** The request topic of an execution. */
  public static String request(DeviceTarget target, String executionId, PayloadFormat format) {
    return format(Kind.REQUEST, target, executionId, format);
  }

  /** The topic a device publishes its status update on. */
  public static String response(DeviceTarget target, String executionId, PayloadFormat format) {
    return format(Kind.RESPONSE, target, executionId, format);
  }

  /** The topic the cloud accepts an update on. */
  public static String accepted(DeviceTarget target, String executionId, PayloadFormat format) {
    return format(Kind.ACCEPTED, target, executionId, format);
  }

  /** The topic the cloud rejects an update on. */
  public static String rejected(DeviceTarget target, String executionId, PayloadFormat format) {
    return format(Kind.REJECTED, target, executionId, format);
  }

  /** The filter a device subscribes to for its requests in one format ({@code +} for the execution id). */
  public static String requestFilter(DeviceTarget target, PayloadFormat format) {
    return base(target) + "+/request" + format.topicSuffix();
  }

  /** The event topic for a command's executions reaching a status. */
  public static String event(String commandId, CommandExecutionStatus status) {
    if (!isValidCommandId(commandId)) {
      throw new IllegalArgumentException("invalid command id: " + commandId);
    }
    return "$aws/events/commandExecution/" + commandId + "/" + status.name();
  }

  /** Formats any commands topic. */
  public static String format(Kind kind, DeviceTarget target, String executionId, PayloadFormat format) {
    requireExecutionId(executionId);
    String middle = switch (kind) {
      case REQUEST -> "/request";
      case RESPONSE -> "/response";
      case ACCEPTED -> "/response/accepted";
      case REJECTED -> "/response/rejected";
    };
    return base(target) + executionId + middle + format.topicSuffix();
  }

  /** Parses a commands topic; empty for anything that is not exactly one of the documented shapes. */
  public static Optional<Parsed> parse(String topic) {
    if (topic == null || !topic.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] s = topic.substring(PREFIX.length()).split("/", -1);
    // {type}/{id}/executions/{executionId}/{request|response}[...]
    if (s.length < 5 || s.length > 7 || !"executions".equals(s[2])) {
      return Optional.empty();
    }
    Optional<DeviceType> type = DeviceType.fromTopicWord(s[0]);
    if (type.isEmpty() || !DeviceTarget.isValidId(type.get(), s[1]) || !isValidExecutionId(s[3])) {
      return Optional.empty();
    }
    DeviceTarget target = new DeviceTarget(type.get(), s[1]);
    Kind kind;
    int formatAt;
    if (s[4].equals("request")) {
      kind = Kind.REQUEST;
      formatAt = 5;
    } else if (s[4].equals("response")) {
      if (s.length >= 6 && s[5].equals("accepted")) {
        kind = Kind.ACCEPTED;
        formatAt = 6;
      } else if (s.length >= 6 && s[5].equals("rejected")) {
        kind = Kind.REJECTED;
        formatAt = 6;
      } else {
        kind = Kind.RESPONSE;
        formatAt = 5;
      }
    } else {
      return Optional.empty();
    }
    PayloadFormat format;
    if (s.length == formatAt) {
      format = PayloadFormat.NONE;
    } else if (s.length == formatAt + 1 && s[formatAt].equals("json")) {
      format = PayloadFormat.JSON;
    } else if (s.length == formatAt + 1 && s[formatAt].equals("cbor")) {
      format = PayloadFormat.CBOR;
    } else {
      return Optional.empty();
    }
    return Optional.of(new Parsed(kind, target, s[3], format));
  }

  private static String base(DeviceTarget target) {
    return PREFIX + target.type().topicWord() + "/" + target.deviceId() + "/executions/";
  }

  private static void requireExecutionId(String executionId) {
    if (!isValidExecutionId(executionId)) {
      throw new IllegalArgumentException("invalid execution id: " + executionId);
    }
  }
}
