package dev.thingbridge.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.MqttClient;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.mqtt.Subscription;
import dev.thingbridge.mqtt.SubscriptionFilter;
import dev.thingbridge.mqtt.SubscriptionListener;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for the cloud side of Jobs, for agent tests until the twin is available: one thing,
 * executions in creation order, versions, expectedVersion checks, terminal states, notify-next when the
 * head changes. It records every request the device sent.
 */
final class FakeJobsCloud implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  static final class Exec {
    final String jobId;
    String status = "QUEUED";
    long version = 1;
    final long executionNumber = 1;
    final JsonNode document;
    Map<String, String> details = new LinkedHashMap<>();

    Exec(String jobId, JsonNode document) {
      this.jobId = jobId;
      this.document = document;
    }
  }

  record Request(String topic, JsonNode body, QoS qos) {}

  private final MqttClient mqtt;
  private final String thing;
  private final Map<String, Exec> execs = new LinkedHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private Subscription sub;
  private String lastHead;
  volatile boolean silent;

  FakeJobsCloud(MqttClient mqtt, String thing) throws Exception {
    this.mqtt = mqtt;
    this.thing = thing;
    this.sub = mqtt.subscribe(List.of(new SubscriptionFilter("$aws/things/" + thing + "/jobs/#", QoS.AT_LEAST_ONCE,
        true)), new SubscriptionListener() {
          @Override
          public void onMessage(MqttMessage m) {
            handle(m);
          }
        }).get(5, TimeUnit.SECONDS);
  }

  synchronized void add(String jobId, String documentJson) throws Exception {
    execs.put(jobId, new Exec(jobId, JSON.readTree(documentJson)));
    headChanged();
  }

  /** Adds a job without any notification (as if it arrived while the device was offline). */
  synchronized void addQuietly(String jobId, String documentJson) throws Exception {
    execs.put(jobId, new Exec(jobId, JSON.readTree(documentJson)));
    lastHead = head().map(e -> e.jobId).orElse(null);
  }

  synchronized void cancel(String jobId) {
    Exec e = execs.get(jobId);
    e.status = "CANCELED";
    e.version++;
    headChanged();
  }

  /** Changes the execution behind the device's back (an operator's update): bumps its version. */
  synchronized void touch(String jobId) {
    execs.get(jobId).version++;
  }

  synchronized String status(String jobId) {
    return execs.get(jobId).status;
  }

  synchronized Map<String, String> details(String jobId) {
    return new LinkedHashMap<>(execs.get(jobId).details);
  }

  /** Re-sends notify-next for the current head, as a QoS 1 re-delivery would. */
  synchronized void renotify() {
    publish("notify-next", notifyNext());
  }

  List<Request> updatesOf(String jobId) {
    return requests.stream().filter(r -> r.topic.endsWith("/jobs/" + jobId + "/update")).toList();
  }

  private synchronized void handle(MqttMessage m) {
    Optional<JobTopic> t = JobTopics.parse(m.topic());
    if (t.isEmpty()) {
      return;
    }
    JsonNode body;
    try {
      body = m.payload().length == 0 ? JSON.createObjectNode() : JSON.readTree(m.payload());
    } catch (Exception e) {
      return;
    }
    switch (t.get().kind()) {
      case DESCRIBE, UPDATE, GET_PENDING, START_NEXT -> requests.add(new Request(m.topic(), body, m.qos()));
      default -> {
        return;
      }
    }
    if (silent) {
      return;
    }
    String token = body.path("clientToken").asText(null);
    String base = m.topic().substring(("$aws/things/" + thing + "/jobs/").length());
    ObjectNode reply = JSON.createObjectNode();
    reply.put("timestamp", System.currentTimeMillis() / 1000);
    if (token != null) {
      reply.put("clientToken", token);
    }
    switch (t.get().kind()) {
      case DESCRIBE -> {
        Optional<Exec> e = t.get().jobId().equals("$next") ? head() : Optional.ofNullable(execs.get(t.get().jobId()));
        if (e.isEmpty() && !t.get().jobId().equals("$next")) {
          reject(base, reply, "ResourceNotFound", "no such job");
          return;
        }
        e.ifPresent(x -> reply.set("execution", execution(x, body.path("includeJobDocument").asBoolean(true))));
        publish(base + "/accepted", reply);
      }
      case GET_PENDING -> {
        var inProgress = reply.putArray("inProgressJobs");
        var queued = reply.putArray("queuedJobs");
        for (Exec x : execs.values()) {
          if (x.status.equals("IN_PROGRESS") || x.status.equals("QUEUED")) {
            ObjectNode s = (x.status.equals("QUEUED") ? queued : inProgress).addObject();
            s.put("jobId", x.jobId).put("versionNumber", x.version).put("executionNumber", x.executionNumber)
                .put("queuedAt", 1700000000L).put("lastUpdatedAt", 1700000000L);
          }
        }
        publish(base + "/accepted", reply);
      }
      case START_NEXT -> {
        Optional<Exec> e = head();
        e.ifPresent(x -> {
          if (x.status.equals("QUEUED")) {
            x.status = "IN_PROGRESS";
            x.version++;
          }
          reply.set("execution", execution(x, true));
        });
        publish(base + "/accepted", reply);
      }
      case UPDATE -> update(t.get().jobId(), base, body, reply);
      default -> { }
    }
  }

  private void update(String jobId, String base, JsonNode body, ObjectNode reply) {
    Exec e = execs.get(jobId);
    if (e == null) {
      reject(base, reply, "ResourceNotFound", "no such job");
      return;
    }
    if (body.has("expectedVersion") && body.get("expectedVersion").asLong() != e.version) {
      reply.set("executionState", state(e));
      reject(base, reply, "VersionMismatch", "expected " + body.get("expectedVersion") + " but is " + e.version);
      return;
    }
    String status = body.path("status").asText();
    if (!(e.status.equals("QUEUED") || e.status.equals("IN_PROGRESS"))) {
      reply.set("executionState", state(e));
      reject(base, reply, "InvalidStateTransition", e.status + " -> " + status);
      return;
    }
    e.status = status;
    e.version++;
    if (body.has("statusDetails")) {
      e.details = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = body.get("statusDetails").fields(); it.hasNext(); ) {
        var f = it.next();
        e.details.put(f.getKey(), f.getValue().asText());
      }
    }
    if (body.path("includeJobExecutionState").asBoolean(false)) {
      reply.set("executionState", state(e));
    }
    publish(base + "/accepted", reply);
    headChanged();
  }

  private void reject(String base, ObjectNode reply, String code, String message) {
    reply.put("code", code).put("message", message);
    publish(base + "/rejected", reply);
  }

  private ObjectNode state(Exec e) {
    ObjectNode s = JSON.createObjectNode();
    s.put("status", e.status).put("versionNumber", e.version);
    s.set("statusDetails", JSON.valueToTree(e.details));
    return s;
  }

  private ObjectNode execution(Exec e, boolean withDocument) {
    ObjectNode x = JSON.createObjectNode();
    x.put("jobId", e.jobId).put("thingName", thing).put("status", e.status).put("queuedAt", 1700000000L)
        .put("lastUpdatedAt", 1700000000L).put("versionNumber", e.version).put("executionNumber", e.executionNumber);
    x.set("statusDetails", JSON.valueToTree(e.details));
    if (withDocument) {
      x.set("jobDocument", e.document);
    }
    return x;
  }

  private Optional<Exec> head() {
    List<Exec> pending = new ArrayList<>();
    execs.values().stream().filter(e -> e.status.equals("IN_PROGRESS")).forEach(pending::add);
    execs.values().stream().filter(e -> e.status.equals("QUEUED")).forEach(pending::add);
    return pending.stream().findFirst();
  }

  private void headChanged() {
    String now = head().map(e -> e.jobId).orElse(null);
    if (!java.util.Objects.equals(now, lastHead)) {
      lastHead = now;
      publish("notify-next", notifyNext());
    }
  }

  private ObjectNode notifyNext() {
    ObjectNode n = JSON.createObjectNode();
    n.put("timestamp", System.currentTimeMillis() / 1000);
    head().ifPresent(e -> n.set("execution", execution(e, true)));
    return n;
  }

  private void publish(String suffix, ObjectNode body) {
    try {
      mqtt.publish(MqttMessage.of("$aws/things/" + thing + "/jobs/" + suffix, JSON.writeValueAsBytes(body),
          QoS.AT_LEAST_ONCE));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    sub.close();
  }
}
