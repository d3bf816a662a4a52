package dev.thingbridge.twin.commands;

import dev.thingbridge.mqtt.AwsNames;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device a command execution runs on: an AWS IoT thing (target ARN {@code ...:thing/<name>}, topics under
 * {@code $aws/commands/things/<name>/}) or a bare MQTT client ({@code ...:client/<clientId>}, topics under
 * {@code $aws/commands/clients/<clientId>/}; the device must connect with exactly that client id).
 *
 * @param type things or clients
 * @param deviceId the thing name ({@code [a-zA-Z0-9:_-]}, 1-128 characters) or the MQTT client id (1-128
 *     characters, none of {@code / + #}, no control characters, not starting with {@code $})
 */
public record DeviceTarget(DeviceType type, String deviceId) {
  private static final Pattern TARGET_ARN =
      Pattern.compile("arn:(aws[a-z-]*):iot:([a-z0-9-]+):([0-9]{12}):(thing|client)/(.+)");

  /** The two kinds of command targets, with the words AWS uses for them in topics and in ARNs. */
  public enum DeviceType {
    THINGS("things", "thing"),
    CLIENTS("clients", "client");

    private final String topicWord;
    private final String arnWord;

    DeviceType(String topicWord, String arnWord) {
      this.topicWord = topicWord;
      this.arnWord = arnWord;
    }

    /** The plural used in topics: {@code things} or {@code clients}. */
    public String topicWord() {
      return topicWord;
    }

    /** The singular used in ARNs: {@code thing} or {@code client}. */
    public String arnWord() {
      return arnWord;
    }

    static Optional<DeviceType> fromTopicWord(String word) {
      for (DeviceType t : values()) {
        if (t.topicWord.equals(word)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }

    static Optional<DeviceType> fromArnWord(String word) {
      for (DeviceType t : values()) {
        if (t.arnWord.equals(word)) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  public DeviceTarget {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(deviceId, "deviceId");
    if (!isValidId(type, deviceId)) {
      throw new IllegalArgumentException("invalid " + type.arnWord() + " id: " + deviceId);
    }
  }

  /** A thing target. */
  public static DeviceTarget thing(String thingName) {
    return new DeviceTarget(DeviceType.THINGS, thingName);
  }

  /** An MQTT client target. */
  public static DeviceTarget client(String clientId) {
    return new DeviceTarget(DeviceType.CLIENTS, clientId);
  }

  /** Whether {@code id} is a valid device id for {@code type}. */
  public static boolean isValidId(DeviceType type, String id) {
    return type == DeviceType.THINGS ? AwsNames.isThingName(id) : AwsNames.isClientId(id);
  }

  /** This target's ARN in a region and account. */
  public String arn(String partition, String region, String account) {
    return "arn:" + partition + ":iot:" + region + ":" + account + ":" + type.arnWord() + "/" + deviceId;
  }

  /**
   * Parses a target ARN ({@code arn:aws:iot:<region>:<account>:thing/<name>} or {@code ...:client/<id>}).
   *
   * @return the target and the ARN's partition, region and account, or empty if it is no valid target ARN
   */
  public static Optional<ParsedArn> parseArn(String arn) {
    if (arn == null) {
      return Optional.empty();
    }
    Matcher m = TARGET_ARN.matcher(arn);
    if (!m.matches()) {
      return Optional.empty();
    }
    DeviceType type = DeviceType.fromArnWord(m.group(4)).orElseThrow();
    if (!isValidId(type, m.group(5))) {
      return Optional.empty();
    }
    return Optional.of(new ParsedArn(new DeviceTarget(type, m.group(5)), m.group(1), m.group(2), m.group(3)));
  }

  /** A target ARN taken apart. */
  public record ParsedArn(DeviceTarget target, String partition, String region, String account) {}

  @Override
  public String toString() {
    return type.topicWord() + "/" + deviceId;
  }
}
