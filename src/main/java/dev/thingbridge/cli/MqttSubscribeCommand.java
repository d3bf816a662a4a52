package dev.thingbridge.cli;

import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.MqttSessionLostException;
import dev.thingbridge.mqtt.MqttTimeoutException;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code thingbridge mqtt sub}: subscribes and prints one line per message, {@code <topic> <payload>} (or the
 * payload alone with {@code --payload-only}), the payload as UTF-8 text or base64. Runs until {@code --count}
 * messages arrived (exit 0) or {@code --timeout} ran out first (exit 4); without either, until Ctrl-C.
 */
@Command(name = "sub", description = "Subscribe and print messages, one per line.")
public final class MqttSubscribeCommand implements Callable<Integer> {
  private static final Duration POLL = Duration.ofMillis(100);

  @Spec CommandSpec spec;

  @Mixin ConnectionOptions connection;

  @Option(names = {"-t", "--topic"}, required = true, paramLabel = "FILTER",
      description = "Topic filter; repeat for several.")
  List<String> filters;

  @Option(names = {"-q", "--qos"}, defaultValue = "1", paramLabel = "0|1", converter = MqttCommand.QosConverter.class,
      description = "Maximum quality of service (default: ${DEFAULT-VALUE}).")
  QoS qos;

  @Option(names = {"-C", "--count"}, paramLabel = "N", description = "Exit after N messages.")
  Integer count;

  @Option(names = {"-W", "--timeout"}, paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Give up (exit code 4) if the count has not been reached by then.")
  Duration timeout;

  @Option(names = "--base64", description = "Print payloads as base64 instead of UTF-8 text.")
  boolean base64;

  @Option(names = "--payload-only", description = "Print only the payload, not the topic (pipes into jq).")
  boolean payloadOnly;

  @Override
  public Integer call() throws Exception {
    if (count != null && count < 1) {
      throw new UsageException("--count must be at least 1, got " + count);
    }
    List<SubscriptionFilter> wanted = new ArrayList<>();
    for (String f : filters) {
      try {
        wanted.add(SubscriptionFilter.of(Topics.requireValidFilter(f, Topics.MQTT_MAX_TOPIC_BYTES), qos));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--topic: " + e.getMessage());
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    try (StopSignal stop = ThingBridgeCommand.of(spec).exit().stopSignal(TwinCommand.STOP_BUDGET);
        MqttClient client = connection.connect(stop)) {
      Subscription subscription = subscribe(client, wanted);
      // --timeout counts from the broker's SUBACK: it bounds the wait for messages, not the set-up.
      long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
      int received = 0;
      while ((count == null || received < count) && !stop.requested()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new MqttTimeoutException("waiting for " + (count == null ? "messages" : count + " messages")
              + " (got " + received + ")", timeout);
        }
        MqttMessage m;
        try {
          m = subscription.next(Duration.ofNanos(Math.min(left, POLL.toNanos())));
        } catch (MqttSessionLostException e) {
          spec.commandLine().getErr().println("note: the broker lost the session; messages may have been missed");
          continue;
        } catch (MqttTimeoutException e) {
          continue;
        }
        String text = base64 ? Base64.getEncoder().encodeToString(m.payload()) : m.payloadAsString();
        out.println(payloadOnly ? text : m.topic() + " " + text);
        out.flush();
        received++;
      }
      stop.await(Duration.ZERO); // a takeover found meanwhile is the command's error
    }
    return ExitCodes.OK;
  }

  private Subscription subscribe(MqttClient client, List<SubscriptionFilter> wanted) throws Exception {
    try {
      return client.subscribe(wanted).get(connection.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new MqttTimeoutException("subscribe to " + filters, connection.connectTimeout());
    }
  }
}
