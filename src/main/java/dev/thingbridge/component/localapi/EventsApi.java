package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.component.events.DeviceEvent;
import dev.thingbridge.component.events.DeviceEventSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The {@code events} service and the {@code ota}/{@code mcu} status queries: {@code events/subscribe} to one or
 * more streams ({@link DeviceEvent#STREAMS}: OTA and MCU status and progress, provisioning, Defender reports,
 * jobs, commands, shadows, the component) and every {@link DeviceEvent} of those streams is pushed to the
 * subscriber. A subscription is a lease renewed by subscribing again; its answer holds the latest event of each
 * stream and thing, so a subscriber that was away learns where things stand.
 */
public final class EventsApi implements ApiService, DeviceEventSink {
  private record Sub(String component, String stream) {}

  private final Duration lease;
  private final Leases<Sub> subscriptions = new Leases<>();
  /** The latest event per stream and subject (thing, or MCU id). */
  private final Map<String, ObjectNode> latest = new LinkedHashMap<>();
  private volatile BiConsumer<String, ObjectNode> events = (c, e) -> {};

  public EventsApi(Duration lease) {
    this.lease = Objects.requireNonNull(lease, "lease");
  }

  public void pushEventsTo(BiConsumer<String, ObjectNode> sender) {
    this.events = Objects.requireNonNull(sender, "sender");
  }

  @Override
  public String name() {
    return "events";
  }

  @Override
  public Set<String> operations() {
    return Set.of("subscribe", "unsubscribe", "latest");
  }

  @Override
  public CompletableFuture<JsonNode> handle(ApiCall call) {
    List<String> streams = streams(call);
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    switch (call.operation()) {
      case "subscribe" -> {
        streams.forEach(s -> subscriptions.claim(new Sub(call.caller(), s), call.caller(), lease));
        out.put("leaseSeconds", lease.toSeconds());
        out.set("streams", array(streams));
        out.set("latest", latest(streams, null));
      }
      case "unsubscribe" -> {
        streams.forEach(s -> subscriptions.release(new Sub(call.caller(), s), call.caller()));
        out.set("streams", array(streams));
      }
      case "latest" -> out.set("latest", latest(streams, call.optionalText("thing").orElse(null)));
      default -> throw new IllegalStateException(call.operation());
    }
    return CompletableFuture.completedFuture(out);
  }

  private static List<String> streams(ApiCall call) {
    List<String> streams = call.textList("streams");
    if (streams.isEmpty()) {
      throw ApiException.badRequest("'streams' must name at least one of " + new TreeSet<>(DeviceEvent.STREAMS));
    }
    for (String s : streams) {
      if (!DeviceEvent.STREAMS.contains(s)) {
        throw ApiException.badRequest("no event stream '" + s + "'; there are " + new TreeSet<>(DeviceEvent.STREAMS));
      }
    }
    return streams;
  }

  /** The latest events of some streams, optionally of one thing or MCU only. */
  public ArrayNode latest(List<String> streams, String subject) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    synchronized (latest) {
      latest.forEach((key, event) -> {
        String stream = event.path("stream").asText();
        if (streams.contains(stream) && (subject == null || subject.equals(subjectOf(event)))) {
          out.add(event.deepCopy());
        }
      });
    }
    return out;
  }

  @Override
  public void accept(DeviceEvent event) {
    ObjectNode json = event.toJson();
    synchronized (latest) {
      latest.put(event.stream() + "\n" + subjectOf(json), json);
    }
    List<String> to = new ArrayList<>();
    subscriptions.holders().forEach((sub, holder) -> {
      if (sub.stream.equals(event.stream())) {
        to.add(holder);
      }
    });
    to.forEach(c -> events.accept(c, json));
  }

  private static String subjectOf(JsonNode event) {
    JsonNode mcu = event.get("mcu");
    if (mcu != null && mcu.isTextual()) {
      return mcu.asText();
    }
    return event.path("thing").asText("");
  }

  private static ArrayNode array(List<String> values) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    values.forEach(a::add);
    return a;
  }

  /** After the component's link to its siblings came back: every claim gets a full lease to be renewed in. */
  public void reconnected() {
    subscriptions.extendAll(lease);
  }
}
