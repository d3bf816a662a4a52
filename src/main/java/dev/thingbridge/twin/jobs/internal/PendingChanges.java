package dev.thingbridge.twin.jobs.internal;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.twin.TwinOutbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Watches things' pending lists across one operation and then publishes exactly the notifications AWS
 * sends: {@code notify} when an execution joined or left the list or changed status within it (not for
 * progress updates), {@code notify-next} only when the head of the list is another execution (or none).
 */
final class PendingChanges {
  private final JobsStore store;
  private final Map<String, List<String>> before = new LinkedHashMap<>();

  PendingChanges(JobsStore store) {
    this.store = store;
  }

  /** Remembers a thing's pending list before the operation changes it. */
  void watch(String thingName) {
    before.computeIfAbsent(thingName, this::signature);
  }

  /** Publishes what changed since {@link #watch}; returns whether anything did. */
  boolean publish(JobsWire wire, int notifyLimit, Instant now, TwinOutbox out) {
    boolean any = false;
    for (Map.Entry<String, List<String>> e : before.entrySet()) {
      String thing = e.getKey();
      List<String> was = e.getValue();
      List<String> is = signature(thing);
      if (!new HashSet<>(was).equals(new HashSet<>(is))) {
        any = true;
        out.publish(MqttMessage.of(JobsTopic.notify(thing),
            wire.bytes(wire.notifyList(store.pending(thing), notifyLimit, now)), QoS.AT_LEAST_ONCE));
      }
      if (!Objects.equals(head(was), head(is))) {
        any = true;
        ExecutionRecord next = store.next(thing);
        var body = wire.object();
        body.put("timestamp", JobsWire.seconds(now));
        if (next != null) {
          body.set("execution", wire.nextExecution(next, store.job(next.jobId)));
        }
        out.publish(MqttMessage.of(JobsTopic.notifyNext(thing), wire.bytes(body), QoS.AT_LEAST_ONCE));
      }
    }
    before.clear();
    return any;
  }

  private List<String> signature(String thing) {
    List<String> out = new ArrayList<>();
    for (ExecutionRecord e : store.pending(thing)) {
      out.add(e.jobId + '\u0000' + e.status.name());
    }
    return out;
  }

  private static String head(List<String> signature) {
    if (signature.isEmpty()) {
      return null;
    }
    String s = signature.get(0);
    return s.substring(0, s.indexOf('\u0000'));
  }
}
