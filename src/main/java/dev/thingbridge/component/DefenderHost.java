package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.thingbridge.component.ComponentConfig.Defender;
import dev.thingbridge.component.events.DeviceEventSink;
import dev.thingbridge.defender.CustomMetric;
import dev.thingbridge.defender.DefenderReporter;
import dev.thingbridge.defender.LinuxNetworkMetrics;
import dev.thingbridge.defender.MetricsSnapshot;
import dev.thingbridge.defender.StandardMetrics;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.PayloadFormat;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Device Defender for the things the component hosts: the gateway reports its standard network metrics (from
 * {@code /proc/net}) and the custom metrics siblings set, every {@code defender.intervalSeconds}; another thing is
 * scheduled once a sibling sets a custom metric for it; {@code defender/report} publishes one report at once.
 */
final class DefenderHost implements AutoCloseable {
  private final DefenderReporter reporter;
  private final String gateway;
  private final Map<String, Map<String, CustomMetric>> custom = new ConcurrentHashMap<>();
  private final LinuxNetworkMetrics network = new LinuxNetworkMetrics();

  DefenderHost(MqttClient mqtt, String gateway, Defender settings, DeviceEventSink events) {
    this.gateway = gateway;
    this.reporter = DefenderReporter.builder(mqtt).thing(gateway)
        .format(settings.format().equals("cbor") ? PayloadFormat.CBOR : PayloadFormat.JSON)
        .interval(Duration.ofSeconds(settings.intervalSeconds()))
        .listener(EventAdapters.defender(events))
        .build();
    schedule(gateway);
  }

  private void schedule(String thing) {
    custom.put(thing, new LinkedHashMap<>());
    reporter.schedule(thing, () -> snapshot(thing));
  }

  private MetricsSnapshot snapshot(String thing) {
    Map<String, CustomMetric> metrics;
    synchronized (custom) {
      metrics = new LinkedHashMap<>(custom.getOrDefault(thing, Map.of()));
    }
    StandardMetrics standard = thing.equals(gateway) ? network.collect() : null;
    return new MetricsSnapshot(standard, metrics);
  }

  void setMetric(String thing, String name, CustomMetric value) {
    boolean first;
    synchronized (custom) {
      first = !custom.containsKey(thing);
      if (first) {
        custom.put(thing, new LinkedHashMap<>());
      }
      custom.get(thing).put(name, value);
    }
    if (first) {
      reporter.schedule(thing, () -> snapshot(thing));
    }
  }

  CompletableFuture<JsonNode> reportNow(String thing, Map<String, CustomMetric> metrics) {
    Map<String, CustomMetric> all;
    synchronized (custom) {
      all = new LinkedHashMap<>(custom.getOrDefault(thing, Map.of()));
    }
    all.putAll(metrics);
    StandardMetrics standard = thing.equals(gateway) ? network.collect() : null;
    return reporter.publish(thing, new MetricsSnapshot(standard, all)).thenApply(a ->
        JsonNodeFactory.instance.objectNode().put("thing", thing).put("accepted", true)
            .put("customMetrics", all.size()));
  }

  @Override
  public void close() {
    reporter.close();
  }
}
