package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code thingbridge mqtt pub}: publishes one message and waits for the PUBACK (QoS 1) or the hand-off to
 * the network (QoS 0). Exit codes: 0 sent, 2 bad flags, 3 connection failed or publish refused, 4 no PUBACK
 * in time.
 */
@Command(name = "pub", description = "Publish one message.")
public final class MqttPublishCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(names = {"-t", "--topic"}, required = true, paramLabel = "TOPIC", description = "Topic to publish to.")
  String topic;

  @Option(names = {"-q", "--qos"}, defaultValue = "1", paramLabel = "0|1", converter = MqttCommand.QosConverter.class,
      description = "Quality of service (default: ${DEFAULT-VALUE}).")
  QoS qos;

  @Option(names = {"-r", "--retain"}, description = "Ask the broker to retain the message.")
  boolean retain;

  @Option(names = "--timeout", defaultValue = "10", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long to wait for the broker's acknowledgement (default: ${DEFAULT-VALUE} s).")
  Duration timeout;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Payload payload;

  /** Exactly one payload source. */
  static final class Payload {
    @Option(names = {"-m", "--message"}, paramLabel = "TEXT", description = "The payload as UTF-8 text.")
    String message;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the payload from FILE (- for standard "
        + "input).")
    String file;
  }

  @Override
  public Integer call() throws Exception {
    try {
      Topics.requireValidTopic(topic, Topics.MQTT_MAX_TOPIC_BYTES);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--topic: " + e.getMessage());
    }
    byte[] bytes = payload.message != null ? payload.message.getBytes(StandardCharsets.UTF_8)
        : JsonInput.bytes("--file", payload.file, ThingBridgeCommand.of(spec).stdin());
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
}
