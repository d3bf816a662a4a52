package dev.thingbridge.twin.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.mqtt.MqttMessage;
import dev.thingbridge.mqtt.QoS;
import dev.thingbridge.twin.TwinLimits;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.things.ThingRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The device-facing Jobs MQTT API: GetPendingJobExecutions, StartNextPendingJobExecution,
 * DescribeJobExecution and UpdateJobExecution, with AWS's error codes on {@code /rejected} (always echoing
 * the clientToken when one could be read). Callers hold the twin lock.
 */
final class DeviceRequests {
  private final JobsEngine engine;
  private final JobsStore store;
  private final JobsWire wire;
  private final Map<String, long[]> usage = new HashMap<>();
  private long usageSecond = Long.MIN_VALUE;

  public DeviceRequests(JobsEngine engine) {
    this.engine = engine;
    this.store = engine.store;
    this.wire = engine.wire;
  }

  /**
   * Answers one request.
   *
   * @return true if the jobs state changed
   */
  public boolean handle(MqttMessage message, Instant now, TwinLimits limits, TwinOutbox out) {
    JobsTopic topic = JobsTopic.parse(message.topic());
    if (topic == null || topic.kind() == JobsTopic.Kind.OUTBOUND) {
      return false;
    }
    String token = null;
    try {
      boolean throttled = limits.enforceRates() && overRate(topic.thingName(), message.payload().length, now, limits);
      if (message.payload().length > limits.maxPayloadBytes()) {
        throw new Rejection("InvalidRequest", "The payload exceeds the maximum size of "
            + limits.maxPayloadBytes() + " bytes");
      }
      ObjectNode request = parse(message.payload());
      token = clientToken(request);
      if (throttled) {
        throw new Rejection("RequestThrottled", "The rate of requests for thing " + topic.thingName()
            + " exceeds the limit");
      }
      if (topic.kind() == JobsTopic.Kind.INVALID) {
        throw new Rejection("InvalidTopic", "The topic " + topic.requestTopic() + " maps to no jobs API");
      }
      if (!AwsNames.isThingName(topic.thingName())) {
        throw new Rejection("InvalidTopic", "The thing name in the topic is not valid");
      }
      return switch (topic.kind()) {
        case GET_PENDING -> getPending(topic, token, now, out);
        case START_NEXT -> startNext(topic, request, token, now, out);
        case DESCRIBE -> describe(topic, request, token, now, out);
        case UPDATE -> update(topic, request, token, now, out);
        default -> throw new IllegalStateException("unreachable: " + topic.kind());
      };
    } catch (Rejection r) {
      out.publish(MqttMessage.of(topic.rejected(), wire.bytes(wire.error(r.code, r.getMessage(), token, now, r.state)),
          QoS.AT_LEAST_ONCE));
      return false;
    }
  }

  /** Answers a request whose changes could not be saved: {@code InternalError} on its rejected topic. */
  public void answerInternalFailure(MqttMessage message, Instant now, TwinOutbox out) {
    JobsTopic topic = JobsTopic.parse(message.topic());
    if (topic == null || topic.kind() == JobsTopic.Kind.OUTBOUND || topic.kind() == JobsTopic.Kind.INVALID) {
      return;
    }
    String token = null;
    try {
      token = clientToken(parse(message.payload()));
    } catch (Rejection r) {
      // No readable token to echo.
    }
    out.publish(MqttMessage.of(topic.rejected(), wire.bytes(wire.error("InternalError",
        "The request could not be saved; it had no effect.", token, now, null)), QoS.AT_LEAST_ONCE));
  }

  private boolean getPending(JobsTopic topic, String token, Instant now, TwinOutbox out) {
    ObjectNode reply = wire.object();
    var inProgress = reply.putArray("inProgressJobs");
    var queued = reply.putArray("queuedJobs");
    for (ExecutionRecord e : store.pending(topic.thingName())) {
      (e.status == ExecutionStatus.IN_PROGRESS ? inProgress : queued).add(wire.summary(e));
    }
    accept(topic, wire.close(reply, token, now), out);
    return false;
  }

  private boolean startNext(JobsTopic topic, ObjectNode request, String token, Instant now, TwinOutbox out) {
    Integer step = stepTimeout(request, false);
    Map<String, String> details = details(request);
    ExecutionRecord next = store.next(topic.thingName());
    ObjectNode reply = wire.object();
    PendingChanges changes = engine.changes();
    boolean changed = false;
    if (next != null) {
      if (next.status == ExecutionStatus.QUEUED) {
        changes.watch(topic.thingName());
        store.move(next, ExecutionStatus.IN_PROGRESS, now);
        if (details != null) {
          next.statusDetails = details;
        }
        engine.startTimers(next, step, now);
        changed = true;
      }
      reply.set("execution", wire.execution(next, store.job(next.jobId), true, now));
    }
    accept(topic, wire.close(reply, token, now), out);
    engine.publish(changes, now, out);
    return changed;
  }

  private boolean describe(JobsTopic topic, ObjectNode request, String token, Instant now, TwinOutbox out) {
    Long executionNumber = integral(request, "executionNumber");
    boolean includeDocument = bool(request, "includeJobDocument", true);
    ObjectNode reply = wire.object();
    ExecutionRecord e;
    if (topic.jobId().equals(JobsTopic.NEXT)) {
      e = store.next(topic.thingName());
    } else {
      e = execution(topic, executionNumber);
      if (e.status.isTerminal() && engine.settings.rejectDescribeOfTerminalExecution()) {
        throw new Rejection("TerminalStateReached", "Job execution " + e.jobId + " is in terminal state "
            + e.status);
      }
    }
    if (e != null) {
      reply.set("execution", wire.execution(e, store.job(e.jobId), includeDocument, now));
    }
    accept(topic, wire.close(reply, token, now), out);
    return false;
  }

  private boolean update(JobsTopic topic, ObjectNode request, String token, Instant now, TwinOutbox out) {
    if (topic.jobId().equals(JobsTopic.NEXT)) {
      throw new Rejection("InvalidTopic", "$next may only be described, not updated");
    }
    JsonNode statusNode = request.get("status");
    if (statusNode == null || statusNode.isNull()) {
      throw new Rejection("InvalidRequest", "status is required");
    }
    ExecutionStatus status = statusNode.isTextual() ? ExecutionStatus.parse(statusNode.asText()) : null;
    if (status == null) {
      throw new Rejection("InvalidRequest", "status must be one of IN_PROGRESS, SUCCEEDED, FAILED, REJECTED");
    }
    Map<String, String> details = details(request);
    Long expectedVersion = integral(request, "expectedVersion");
    Long executionNumber = integral(request, "executionNumber");
    boolean includeState = bool(request, "includeJobExecutionState", false);
    boolean includeDocument = bool(request, "includeJobDocument", false);
    Integer step = stepTimeout(request, true);
    ExecutionRecord e = execution(topic, executionNumber);
    if (expectedVersion != null && expectedVersion != e.versionNumber) {
      throw new Rejection("VersionMismatch", "expectedVersion " + expectedVersion + " does not match the current "
          + "version " + e.versionNumber, e);
    }
    if (!ExecutionStatus.deviceMayMove(e.status, status)) {
      throw new Rejection("InvalidStateTransition", "Cannot update job execution " + e.jobId + " from "
          + e.status + " to " + status, e);
    }
    PendingChanges changes = engine.changes();
    changes.watch(e.thingName);
    if (status == e.status) {
      e.touch(now);
      store.changed(e);
    } else {
      store.move(e, status, now);
    }
    if (details != null) {
      e.statusDetails = details;
    }
    if (status == ExecutionStatus.IN_PROGRESS) {
      engine.startTimers(e, step, now);
    } else {
      store.completeIfDone(store.job(e.jobId), now);
    }
    ObjectNode reply = wire.object();
    if (includeState) {
      reply.set("executionState", wire.state(e));
    }
    if (includeDocument) {
      reply.set("jobDocument", store.job(e.jobId).document);
    }
    accept(topic, wire.close(reply, token, now), out);
    engine.publish(changes, now, out);
    return true;
  }

  // ---- request parsing ---------------------------------------------------------------------------

  private ExecutionRecord execution(JobsTopic topic, Long executionNumber) {
    if (!AwsNames.isJobId(topic.jobId())) {
      throw new Rejection("InvalidRequest", "The job id must be 1-64 characters of [a-zA-Z0-9_-]");
    }
    ExecutionRecord e = store.execution(topic.thingName(), topic.jobId());
    if (e == null || (executionNumber != null && executionNumber != e.executionNumber)) {
      throw new Rejection("ResourceNotFound", "Job execution " + topic.jobId() + " for thing "
          + topic.thingName() + (executionNumber == null ? "" : " with execution number " + executionNumber)
          + " does not exist");
    }
    return e;
  }

  private ObjectNode parse(byte[] payload) {
    if (payload.length == 0) {
      return wire.object();
    }
    if (!isUtf8(payload)) {
      throw new Rejection("InvalidJson", "The payload is not valid UTF-8");
    }
    JsonNode node;
    try {
      node = engine.json.readTree(payload);
    } catch (IOException | RuntimeException e) {
      throw new Rejection("InvalidJson", "The payload is not valid JSON");
    }
    if (node == null || node.isMissingNode()) {
      throw new Rejection("InvalidJson", "The payload is not valid JSON");
    }
    if (!node.isObject()) {
      throw new Rejection("InvalidRequest", "The request must be a JSON object");
    }
    return (ObjectNode) node;
  }

  /** Strict UTF-8 (Jackson alone would let some malformed sequences through); ASCII needs no decoder. */
  private static boolean isUtf8(byte[] payload) {
    boolean ascii = true;
    for (byte b : payload) {
      if (b < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return true;
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String clientToken(ObjectNode request) {
    JsonNode t = request.get("clientToken");
    if (t == null || t.isNull()) {
      return null;
    }
    if (!t.isTextual()) {
      throw new Rejection("InvalidRequest", "clientToken must be a string");
    }
    return t.asText();
  }

  private static Map<String, String> details(ObjectNode request) {
    JsonNode d = request.get("statusDetails");
    if (d == null || d.isNull()) {
      return null;
    }
    try {
      return StatusDetails.parse(d);
    } catch (IllegalArgumentException e) {
      throw new Rejection("InvalidRequest", e.getMessage());
    }
  }

  private static Long integral(ObjectNode request, String field) {
    JsonNode v = request.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new Rejection("InvalidRequest", field + " must be an integer");
    }
    return v.asLong();
  }

  private static boolean bool(ObjectNode request, String field, boolean absent) {
    JsonNode v = request.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isBoolean()) {
      throw new Rejection("InvalidRequest", field + " must be true or false");
    }
    return v.asBoolean();
  }

  private static Integer stepTimeout(ObjectNode request, boolean allowClear) {
    Long v = integral(request, "stepTimeoutInMinutes");
    if (v == null) {
      return null;
    }
    if ((v == -1 && allowClear) || (v >= 1 && v <= JobsEngine.MAX_TIMEOUT_MINUTES)) {
      return v.intValue();
    }
    throw new Rejection("InvalidRequest", "stepTimeoutInMinutes must be between 1 and "
        + JobsEngine.MAX_TIMEOUT_MINUTES + (allowClear ? ", or -1 to clear the step timer" : ""));
  }

  private boolean overRate(String thing, int bytes, Instant now, TwinLimits limits) {
    long second = now.getEpochSecond();
    if (second != usageSecond) {
      usage.clear();
      usageSecond = second;
    }
    long[] u = usage.computeIfAbsent(thing, k -> new long[2]);
    u[0]++;
    u[1] += bytes;
    return u[0] > limits.maxPublishesPerSecondPerThing() || u[1] > limits.maxBytesPerSecondPerThing();
  }

  private void accept(JobsTopic topic, ObjectNode reply, TwinOutbox out) {
    out.publish(MqttMessage.of(topic.accepted(), wire.bytes(reply), QoS.AT_LEAST_ONCE));
  }
}
