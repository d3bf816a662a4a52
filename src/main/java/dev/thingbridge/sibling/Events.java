package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Event streams of the device (OTA and MCU status and progress, provisioning, Defender reports, jobs, commands,
 * shadows, the component itself), and the calls that go with them: status, MCUs, provisioning by claim, Defender.
 */
public final class Events {
  /** The streams: what {@link #subscribe} takes. */
  public static final List<String> STREAMS =
      List.of("ota", "mcu", "provisioning", "defender", "jobs", "commands", "shadows", "component");

  private final ThingBridgeClient client;
  private final List<Sub> subscribers = new CopyOnWriteArrayList<>();

  private record Sub(Collection<String> streams, Consumer<ObjectNode> consumer) {}

  Events(ThingBridgeClient client) {
    this.client = client;
  }

  /**
   * Subscribes to some streams: each event ({@code {"type":"ota.progress","stream":"ota","thing":..,...}}) goes to
   * {@code consumer} on the dispatch thread, in order. The latest event of each stream and thing goes to it at once.
   */
  public CompletableFuture<Registration> subscribe(Collection<String> streams, Consumer<ObjectNode> consumer) {
    Sub sub = new Sub(List.copyOf(streams), ThingBridgeClient.require(consumer, "consumer"));
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    b.putArray("streams").addAll(sub.streams.stream().map(JsonNodeFactory.instance::textNode).toList());
    boolean[] first = {true};
    return client.renewals().take("events", "subscribe", "unsubscribe", b, answer -> {
      if (first[0]) {
        first[0] = false;
        subscribers.add(sub);
        for (JsonNode e : answer.path("latest")) {
          consumer.accept((ObjectNode) e);
        }
      }
    });
  }

  void onEvent(ObjectNode event) {
    String stream = event.path("stream").asText();
    for (Sub s : subscribers) {
      if (s.streams.contains(stream)) {
        s.consumer.accept(event);
      }
    }
  }

  /** The component's status: version, things, services, connection, MCUs. */
  public CompletableFuture<JsonNode> status() {
    return client.call("component", "status", null);
  }

  /** The attached MCUs and their states. */
  public CompletableFuture<JsonNode> mcus() {
    return client.call("mcu", "list", null).thenApply(r -> r.path("mcus"));
  }

  /** The latest OTA events of a thing (null: the gateway's). */
  public CompletableFuture<JsonNode> otaStatus(String thing) {
    return client.call("ota", "status", ThingBridgeClient.body(thing)).thenApply(r -> r.path("latest"));
  }

  /**
   * Provisions a device by claim through the gateway's connection (AWS IoT fleet provisioning): answers {@code
   * {"thingName","certificateId","certificatePem","privateKey"?,"deviceConfiguration"?}}. Keep the private key out
   * of logs.
   *
   * @param csrPem a certificate signing request, or null to have AWS IoT make the keys
   */
  public CompletableFuture<JsonNode> provision(String templateName, Map<String, String> parameters, String csrPem) {
    ObjectNode b = JsonNodeFactory.instance.objectNode().put("templateName", templateName);
    ObjectNode p = b.putObject("parameters");
    parameters.forEach(p::put);
    if (csrPem != null) {
      b.put("csr", csrPem);
    }
    return client.call("provisioning", "provision", b);
  }

  /**
   * Publishes a Device Defender report for {@code thing} (null: the gateway's) with these custom metrics (a number,
   * a list of numbers, or {@code {"string_list":[..]}} / {@code {"ip_list":[..]}}).
   */
  public CompletableFuture<JsonNode> defenderReport(String thing, ObjectNode metrics) {
    ObjectNode b = ThingBridgeClient.body(thing);
    b.set("metrics", metrics);
    return client.call("defender", "report", b);
  }

  /** Sets a custom metric of {@code thing} for its scheduled Defender reports. */
  public CompletableFuture<JsonNode> defenderSetMetric(String thing, String name, JsonNode value) {
    ObjectNode b = ThingBridgeClient.body(thing).put("name", name);
    b.set("value", value);
    return client.call("defender", "setMetric", b);
  }
}
