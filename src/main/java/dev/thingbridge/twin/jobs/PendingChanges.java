package dev.thingbridge.twin.jobs;

import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.twin.TwinOutbox;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Watches things' pending lists across one operation and then publishes exactly the notifications AWS
 * sends: {@code notify} when an execution joined or left the list or changed status within it (not for
 * progress updates), {@code notify-next} only when the head of the list is another execution (or none).
 * Watching costs O(1): the store counts changes to each list and knows its head.
 */
final class PendingChanges {
  private final JobsStore store;
  private final Map<String, Before> before = new LinkedHashMap<>();

  private record Before(long version, String head) {}

  PendingChanges(JobsStore store) {
    this.store = store;
  }

  /** Remembers a thing's pending list before the operation changes it. */
  void watch(String thingName) {
    before.computeIfAbsent(thingName, t -> new Before(store.pendingVersion(t), head(t)));
  }

  /** Publishes what changed since {@link #watch}; returns whether anything did. */
  boolean publish(JobsWire wire, int notifyLimit, Instant now, TwinOutbox out) {
    boolean any = false;
    for (Map.Entry<String, Before> e : before.entrySet()) {
      String thing = e.getKey();
      if (store.pendingVersion(thing) != e.getValue().version()) {
        any = true;
        out.publish(MqttMessage.of(JobsTopic.notify(thing),
            wire.notifyList(store.pending(thing), notifyLimit, now), QoS.AT_LEAST_ONCE));
      }
      if (!Objects.equals(e.getValue().head(), head(thing))) {
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

  private String head(String thing) {
    ExecutionRecord next = store.next(thing);
    return next == null ? null : next.jobId;
  }
}
