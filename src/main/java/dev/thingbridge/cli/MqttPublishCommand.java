package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code thingbridge mqtt pub}: publishes one message and waits for the PUBACK (QoS 1) or the hand-off to
 * the network (QoS 0). Exit codes: 0 sent, 2 bad flags, 3 connection failed or publish refused, 4 no PUBACK
 * in time.
 */
@Command(name = "pub", mixinStandardHelpOptions = true, description = "Publish one message.")
public final class MqttPublishCommand implements Callable<Integer> {
  @Mixin ConnectionOptions connection;

  @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic to publish to.")
  String topic;

  @Option(names = {"-q", "--qos"}, defaultValue = "1", paramLabel = "0|1", converter = MqttCommand.QosConverter.class,
      description = "Quality of service (default: ${DEFAULT-VALUE}).")
  QoS qos;

  @Option(names = {"-r", "--retain"}, description = "Ask the broker to retain the message.")
  boolean retain;

  @Option(names = "--timeout", defaultValue = "10s", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long to wait for the broker's acknowledgement (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Payload payload;

  /** Exactly one payload source. */
  static final class Payload {
    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "The payload as UTF-8 text.")
    String message;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the payload from this file.")
    Path file;
  }

  @Override
  public Integer call() throws Exception {
    try {
      Topics.requireValidTopic(topic, Topics.MQTT_MAX_TOPIC_BYTES);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    byte[] bytes = payloadBytes();
    try (MqttClient client = connection.connect()) {
      try {
        client.publish(topic, bytes, qos, retain).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } catch (TimeoutException e) {
        throw new MqttTimeoutException("publish to " + topic, timeout);
      }
    }
    return ExitCodes.OK;
  }

  private byte[] payloadBytes() {
    if (payload.message != null) {
      return payload.message.getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Files.readAllBytes(payload.file);
    } catch (IOException e) {
      throw new UsageException("cannot read --file " + payload.file + ": " + e.getMessage(), e);
    }
  }
}
