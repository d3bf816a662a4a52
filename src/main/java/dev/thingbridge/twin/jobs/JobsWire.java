package dev.thingbridge.twin.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The device-side JSON of AWS IoT Jobs, field names and order as the developer guide shows them;
 * timestamps in epoch seconds. The trees it builds share the stored job documents (which never change in
 * place), so they are serialized at once, not kept.
 */
final class JobsWire {
  private final ObjectMapper json;

  JobsWire(ObjectMapper json) {
    this.json = json;
  }

  static long seconds(Instant t) {
    return t.getEpochSecond();
  }

  ObjectNode object() {
    return json.createObjectNode();
  }

  /** A JobExecution: the full form of get/start-next replies. */
  ObjectNode execution(ExecutionRecord e, JobRecord job, boolean includeDocument, Instant now) {
    ObjectNode n = object();
    n.put("jobId", e.jobId).put("thingName", e.thingName);
    if (includeDocument) {
      n.set("jobDocument", job.document);
    }
    n.put("status", e.status.name());
    putDetails(n, e.statusDetails);
    putTimes(n, e);
    n.put("versionNumber", e.versionNumber).put("executionNumber", e.executionNumber);
    Long left = e.secondsBeforeTimedOut(now);
    if (left != null) {
      n.put("approximateSecondsBeforeTimedOut", left);
    }
    return n;
  }

  /** The execution of a notify-next message, in the order of AWS's example (job document last). */
  ObjectNode nextExecution(ExecutionRecord e, JobRecord job) {
    ObjectNode n = object();
    n.put("jobId", e.jobId).put("status", e.status.name());
    putDetails(n, e.statusDetails);
    putTimes(n, e);
    n.put("versionNumber", e.versionNumber).put("executionNumber", e.executionNumber);
    n.set("jobDocument", job.document);
    return n;
  }

  /** A JobExecutionSummary of a GetPendingJobExecutions reply. */
  ObjectNode summary(ExecutionRecord e) {
    ObjectNode n = object();
    n.put("jobId", e.jobId);
    putTimes(n, e);
    n.put("versionNumber", e.versionNumber).put("executionNumber", e.executionNumber);
    return n;
  }

  /** A summary in a notify message (AWS's example puts executionNumber before versionNumber there). */
  ObjectNode notifySummary(ExecutionRecord e) {
    ObjectNode n = object();
    n.put("jobId", e.jobId);
    putTimes(n, e);
    n.put("executionNumber", e.executionNumber).put("versionNumber", e.versionNumber);
    return n;
  }

  /** A JobExecutionState. */
  ObjectNode state(ExecutionRecord e) {
    ObjectNode n = object();
    n.put("status", e.status.name());
    putDetails(n, e.statusDetails);
    n.put("versionNumber", e.versionNumber);
    return n;
  }

  /**
   * A notify (JobExecutionsChanged) message for these pending executions, grouped by status in the order the
   * statuses first appear. Each summary's bytes are kept on its execution until one of its fields changes, so
   * a message after one change re-encodes one summary, not the whole list.
   */
  byte[] notifyList(Iterable<ExecutionRecord> pending, int limit, Instant now) {
    Map<ExecutionStatus, List<byte[]>> groups = new LinkedHashMap<>();
    int count = 0;
    for (ExecutionRecord e : pending) {
      if (count++ == limit) {
        break;
      }
      groups.computeIfAbsent(e.status, s -> new ArrayList<>()).add(notifySummaryBytes(e));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 128 * count);
    ascii(out, "{\"timestamp\":" + seconds(now) + ",\"jobs\":{");
    boolean firstGroup = true;
    for (Map.Entry<ExecutionStatus, List<byte[]>> group : groups.entrySet()) {
      ascii(out, (firstGroup ? "\"" : ",\"") + group.getKey().name() + "\":[");
      firstGroup = false;
      List<byte[]> summaries = group.getValue();
      for (int i = 0; i < summaries.size(); i++) {
        if (i > 0) {
          out.write(',');
        }
        out.writeBytes(summaries.get(i));
      }
      out.write(']');
    }
    ascii(out, "}}");
    return out.toByteArray();
  }

  private byte[] notifySummaryBytes(ExecutionRecord e) {
    NotifySummary cached = e.notifySummary;
    if (cached == null || !cached.describes(e)) {
      cached = new NotifySummary(e.versionNumber, e.queuedAt, e.startedAt, e.lastUpdatedAt, bytes(notifySummary(e)));
      e.notifySummary = cached;
    }
    return cached.json();
  }

  /** A notify summary's bytes and the fields they were made from. */
  record NotifySummary(long versionNumber, Instant queuedAt, Instant startedAt, Instant lastUpdatedAt, byte[] json) {
    boolean describes(ExecutionRecord e) {
      return versionNumber == e.versionNumber && queuedAt.equals(e.queuedAt)
          && Objects.equals(startedAt, e.startedAt) && lastUpdatedAt.equals(e.lastUpdatedAt);
    }
  }

  private static void ascii(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** An ErrorResponse. */
  ObjectNode error(String code, String message, String clientToken, Instant now, ExecutionRecord state) {
    ObjectNode n = object();
    n.put("code", code).put("message", message);
    if (clientToken != null) {
      n.put("clientToken", clientToken);
    }
    n.put("timestamp", seconds(now));
    if (state != null) {
      n.set("executionState", state(state));
    }
    return n;
  }

  /** Adds timestamp and clientToken, closing a reply. */
  ObjectNode close(ObjectNode reply, String clientToken, Instant now) {
    reply.put("timestamp", seconds(now));
    if (clientToken != null) {
      reply.put("clientToken", clientToken);
    }
    return reply;
  }

  byte[] bytes(ObjectNode n) {
    try {
      return json.writeValueAsBytes(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void putTimes(ObjectNode n, ExecutionRecord e) {
    n.put("queuedAt", seconds(e.queuedAt));
    if (e.startedAt != null) {
      n.put("startedAt", seconds(e.startedAt));
    }
    n.put("lastUpdatedAt", seconds(e.lastUpdatedAt));
  }

  private void putDetails(ObjectNode n, Map<String, String> details) {
    if (!details.isEmpty()) {
      ObjectNode d = n.putObject("statusDetails");
      details.forEach(d::put);
    }
  }
}
