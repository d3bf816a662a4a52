package dev.thingbridge.transfer;

import dev.thingbridge.jobs.model.JobLimits;
import dev.thingbridge.mqtt.AwsNames;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The topics of one MQTT stream of one thing ({@code $aws/things/{thing}/streams/{stream}/...}): the device
 * publishes on {@link #get()} and {@link #describe()}, and receives on {@link #data()}, {@link
 * #description()} and {@link #rejected()}.
 */
public final class StreamTopics {
  private static final Pattern STREAM_ID = Pattern.compile("[a-zA-Z0-9_-]{1,128}");

  /** The kinds of message a device receives on a stream. */
  public enum Incoming { DATA, DESCRIPTION, REJECTED }

  private final String prefix;
  private final String suffix;

  /**
   * @throws IllegalArgumentException if the thing name or stream id breaks AWS's rules
   */
  public StreamTopics(String thingName, String streamId, StreamFormat format) {
    AwsNames.requireThingName(thingName);
    if (!STREAM_ID.matcher(Objects.requireNonNull(streamId, "streamId")).matches()) {
      throw new IllegalArgumentException("stream id must be 1-128 of [a-zA-Z0-9_-]: " + streamId);
    }
    this.prefix = "$aws/things/" + thingName + "/streams/" + streamId + "/";
    this.suffix = "/" + format.suffix();
  }

  /** GetStream requests. */
  public String get() {
    return prefix + "get" + suffix;
  }

  /** Blocks. */
  public String data() {
    return prefix + "data" + suffix;
  }

  /** DescribeStream requests. */
  public String describe() {
    return prefix + "describe" + suffix;
  }

  /** DescribeStream replies. */
  public String description() {
    return prefix + "description" + suffix;
  }

  /** Errors of either request. */
  public String rejected() {
    return prefix + "rejected" + suffix;
  }

  /** What an incoming topic of this stream carries, if it is one. */
  public Optional<Incoming> parse(String topic) {
    if (topic.equals(data())) {
      return Optional.of(Incoming.DATA);
    }
    if (topic.equals(description())) {
      return Optional.of(Incoming.DESCRIPTION);
    }
    if (topic.equals(rejected())) {
      return Optional.of(Incoming.REJECTED);
    }
    return Optional.empty();
  }
}
