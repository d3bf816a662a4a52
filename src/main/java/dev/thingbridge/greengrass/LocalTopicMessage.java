package dev.thingbridge.greengrass;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A message received on Greengrass local publish/subscribe. The nucleus carries no sender identity, only the
 * topic. A JSON message ({@code jsonMessage}) is handed over as its UTF-8 JSON text, with integral numbers
 * restored from Gson's doubles.
 *
 * @param topic the topic it was published to
 * @param payload the bytes (binary message) or the UTF-8 JSON text (JSON message)
 * @param json whether the publisher sent a JSON message rather than a binary one
 */
public record LocalTopicMessage(String topic, byte[] payload, boolean json) {
  public LocalTopicMessage {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
  }

  /** The payload as UTF-8 text. */
  public String payloadAsString() {
    return new String(payload, StandardCharsets.UTF_8);
  }
}
