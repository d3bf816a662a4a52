package dev.thingbridge.twin.streams;

import java.util.Optional;

/**
 * A device's stream request topic, {@code $aws/things/{thing}/streams/{streamId}/{get|describe}/{cbor|json}}, and
 * the reply topics of the same stream.
 *
 * @param thingName the thing
 * @param streamId the stream
 * @param operation {@code get} or {@code describe}
 * @param format the payload format of the request and its replies
 */
record StreamRequestTopic(String thingName, String streamId, Operation operation, StreamWire.Format format) {
  /** The two requests. */
  public enum Operation { GET, DESCRIBE }

  private static final String PREFIX = "$aws/things/";

  /** The request a topic names, if it is a well-formed stream request topic. */
  public static Optional<StreamRequestTopic> parse(String topic) {
    if (!topic.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] p = topic.substring(PREFIX.length()).split("/", -1);
    if (p.length != 5 || !p[1].equals("streams") || p[0].isEmpty() || p[2].isEmpty()) {
      return Optional.empty();
    }
    Operation op = switch (p[3]) {
      case "get" -> Operation.GET;
      case "describe" -> Operation.DESCRIBE;
      default -> null;
    };
    StreamWire.Format f = switch (p[4]) {
      case "cbor" -> StreamWire.Format.CBOR;
      case "json" -> StreamWire.Format.JSON;
      default -> null;
    };
    if (op == null || f == null) {
      return Optional.empty();
    }
    return Optional.of(new StreamRequestTopic(p[0], p[2], op, f));
  }

  private String base() {
    return PREFIX + thingName + "/streams/" + streamId + "/";
  }

  public String data() {
    return base() + "data/" + format.suffix();
  }

  public String description() {
    return base() + "description/" + format.suffix();
  }

  public String rejected() {
    return base() + "rejected/" + format.suffix();
  }
}
