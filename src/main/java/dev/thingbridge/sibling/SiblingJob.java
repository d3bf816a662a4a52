package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A job execution the thingbridge component handed to this sibling, as a {@link JobWorker} sees it. */
public final class SiblingJob {
  private final ThingBridgeClient client;
  private final ObjectNode event;
  private volatile boolean cancelled;

  SiblingJob(ThingBridgeClient client, ObjectNode event) {
    this.client = client;
    this.event = event;
  }

  public String thing() {
    return event.path("thing").asText();
  }

  public String jobId() {
    return event.path("jobId").asText();
  }

  /** The job kind this sibling claimed (the document's {@code operation}). */
  public String operation() {
    return event.path("operation").asText();
  }

  /** The job document. */
  public JsonNode document() {
    return event.path("document");
  }

  public long executionNumber() {
    return event.path("executionNumber").asLong();
  }

  /** Whether this execution was handed over before (the component or this sibling restarted meanwhile). */
  public boolean resumed() {
    return event.path("resumed").asBoolean();
  }

  /** When the job should be done by, if the cloud or the component set a deadline. */
  public Optional<Instant> deadline() {
    JsonNode d = event.get("deadline");
    return d == null || !d.isTextual() ? Optional.empty() : Optional.of(Instant.parse(d.asText()));
  }

  /** Whether the job was canceled in the cloud meanwhile (the worker should stop; its result is not reported). */
  public boolean isCancelled() {
    return cancelled;
  }

  void cancel() {
    cancelled = true;
  }

  /** Reports progress: an IN_PROGRESS update with these statusDetails (at most 10, values at most 1024 chars). */
  public CompletableFuture<JsonNode> progress(Map<String, String> statusDetails) {
    ObjectNode b = ThingBridgeClient.body(thing()).put("jobId", jobId());
    ObjectNode d = b.putObject("statusDetails");
    statusDetails.forEach(d::put);
    return client.call("jobs", "progress", b);
  }

  static ObjectNode details(Map<String, String> details) {
    ObjectNode d = JsonNodeFactory.instance.objectNode();
    details.forEach(d::put);
    return d;
  }
}
