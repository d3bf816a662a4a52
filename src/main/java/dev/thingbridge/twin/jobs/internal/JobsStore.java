package dev.thingbridge.twin.jobs.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.jobs.Job;
import dev.thingbridge.twin.jobs.JobExecution;
import dev.thingbridge.twin.jobs.JobExecutionStatus;
import dev.thingbridge.twin.jobs.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every job and execution of the twin, with AWS's pending-list order and persistence. Not thread-safe: the
 * twin's lock guards it.
 */
public final class JobsStore {
  /** IN_PROGRESS before QUEUED, then by queue time, then by creation. */
  static final Comparator<ExecutionRecord> PENDING_ORDER = Comparator
      .comparing((ExecutionRecord e) -> e.status == JobExecutionStatus.IN_PROGRESS ? 0 : 1)
      .thenComparing(e -> e.queuedAt)
      .thenComparingLong(e -> e.seq);

  private final Map<String, JobRecord> jobs = new LinkedHashMap<>();
  private final Map<String, Map<String, ExecutionRecord>> byThing = new LinkedHashMap<>();
  /**
   * Per thing, the executions that were pending when last looked at. Executions never return from a terminal
   * state, so {@link #pending} prunes lazily and a thing's history does not slow its requests down.
   */
  private final Map<String, Map<String, ExecutionRecord>> pendingByThing = new HashMap<>();
  private long nextSeq = 1;

  JobRecord job(String jobId) {
    return jobs.get(jobId);
  }

  Iterable<JobRecord> jobs() {
    return jobs.values();
  }

  void addJob(JobRecord job) {
    jobs.put(job.jobId, job);
  }

  long nextSeq() {
    return nextSeq++;
  }

  ExecutionRecord execution(String thingName, String jobId) {
    Map<String, ExecutionRecord> m = byThing.get(thingName);
    return m == null ? null : m.get(jobId);
  }

  void addExecution(ExecutionRecord e) {
    byThing.computeIfAbsent(e.thingName, k -> new LinkedHashMap<>()).put(e.jobId, e);
    if (e.status.pending()) {
      pendingByThing.computeIfAbsent(e.thingName, k -> new LinkedHashMap<>()).put(e.jobId, e);
    }
  }

  void removeExecution(ExecutionRecord e) {
    Map<String, ExecutionRecord> m = byThing.get(e.thingName);
    if (m != null) {
      m.remove(e.jobId);
      if (m.isEmpty()) {
        byThing.remove(e.thingName);
      }
    }
    Map<String, ExecutionRecord> p = pendingByThing.get(e.thingName);
    if (p != null) {
      p.remove(e.jobId);
    }
  }

  /** A thing's executions in creation order. */
  List<ExecutionRecord> executionsOfThing(String thingName) {
    Map<String, ExecutionRecord> m = byThing.get(thingName);
    return m == null ? List.of() : new ArrayList<>(m.values());
  }

  /** A job's executions in target order. */
  List<ExecutionRecord> executionsOfJob(JobRecord job) {
    List<ExecutionRecord> out = new ArrayList<>();
    for (String thing : job.thingNames()) {
      ExecutionRecord e = execution(thing, job.jobId);
      if (e != null) {
        out.add(e);
      }
    }
    return out;
  }

  /** Every execution with a running timer. */
  List<ExecutionRecord> timed() {
    List<ExecutionRecord> out = new ArrayList<>();
    pendingByThing.values().forEach(m -> m.values().forEach(e -> {
      if (e.status == JobExecutionStatus.IN_PROGRESS && e.deadline() != null) {
        out.add(e);
      }
    }));
    return out;
  }

  /** A thing's pending executions in AWS's order (IN_PROGRESS first, then by queue time). */
  List<ExecutionRecord> pending(String thingName) {
    Map<String, ExecutionRecord> index = pendingByThing.get(thingName);
    if (index == null) {
      return new ArrayList<>();
    }
    index.values().removeIf(e -> e.status.terminal());
    if (index.isEmpty()) {
      pendingByThing.remove(thingName);
    }
    List<ExecutionRecord> out = new ArrayList<>(index.values());
    out.sort(PENDING_ORDER);
    return out;
  }

  /** What {@code $next} names: the first pending execution, or null. */
  ExecutionRecord next(String thingName) {
    List<ExecutionRecord> p = pending(thingName);
    return p.isEmpty() ? null : p.get(0);
  }

  /** Marks a job COMPLETED once none of its executions can run any more. */
  boolean completeIfDone(JobRecord job, Instant now) {
    if (job.status != JobStatus.IN_PROGRESS) {
      return false;
    }
    for (ExecutionRecord e : executionsOfJob(job)) {
      if (e.status.pending()) {
        return false;
      }
    }
    job.status = JobStatus.COMPLETED;
    job.completedAt = now;
    job.lastUpdatedAt = now;
    return true;
  }

  Job view(JobRecord j) {
    Map<JobExecutionStatus, Integer> counts = new EnumMap<>(JobExecutionStatus.class);
    for (ExecutionRecord e : executionsOfJob(j)) {
      counts.merge(e.status, 1, Integer::sum);
    }
    return new Job(j.jobId, j.jobArn, j.documentText, j.description, j.targets, "SNAPSHOT", j.status,
        j.forceCanceled, j.reasonCode, j.comment, j.createdAt, j.lastUpdatedAt, j.completedAt,
        j.inProgressTimeoutInMinutes, counts);
  }

  JobExecution view(ExecutionRecord e, String thingArn, Instant now) {
    return new JobExecution(e.jobId, e.thingName, thingArn, e.status, e.statusDetails, e.queuedAt, e.startedAt,
        e.lastUpdatedAt, e.versionNumber, e.executionNumber, e.forceCanceled, e.secondsBeforeTimedOut(now));
  }

  // ---- persistence -------------------------------------------------------------------------------

  JsonNode snapshot(ObjectMapper json) {
    ObjectNode root = json.createObjectNode();
    root.put("nextSeq", nextSeq);
    ArrayNode js = root.putArray("jobs");
    for (JobRecord j : jobs.values()) {
      ObjectNode n = js.addObject();
      n.put("jobId", j.jobId).put("jobArn", j.jobArn).put("document", j.documentText)
          .put("description", j.description).put("inProgressTimeoutInMinutes", j.inProgressTimeoutInMinutes)
          .put("createdAt", j.createdAt.toEpochMilli()).put("seq", j.seq).put("status", j.status.name())
          .put("forceCanceled", j.forceCanceled).put("reasonCode", j.reasonCode).put("comment", j.comment)
          .put("lastUpdatedAt", j.lastUpdatedAt.toEpochMilli())
          .put("completedAt", j.completedAt == null ? null : j.completedAt.toEpochMilli());
      ArrayNode t = n.putArray("targets");
      j.targets.forEach(t::add);
      ArrayNode names = n.putArray("thingNames");
      j.thingNames().forEach(names::add);
    }
    ArrayNode xs = root.putArray("executions");
    byThing.values().forEach(m -> m.values().forEach(e -> {
      ObjectNode n = xs.addObject();
      n.put("jobId", e.jobId).put("thingName", e.thingName).put("seq", e.seq)
          .put("executionNumber", e.executionNumber).put("status", e.status.name())
          .put("queuedAt", e.queuedAt.toEpochMilli()).put("startedAt", millis(e.startedAt))
          .put("lastUpdatedAt", e.lastUpdatedAt.toEpochMilli()).put("versionNumber", e.versionNumber)
          .put("forceCanceled", e.forceCanceled).put("stepDeadline", millis(e.stepDeadline))
          .put("inProgressDeadline", millis(e.inProgressDeadline));
      ObjectNode d = n.putObject("statusDetails");
      e.statusDetails.forEach(d::put);
    }));
    return root;
  }

  void restore(JsonNode root, ObjectMapper json) {
    jobs.clear();
    byThing.clear();
    pendingByThing.clear();
    nextSeq = root.path("nextSeq").asLong(1);
    for (JsonNode n : root.path("jobs")) {
      ObjectNode document;
      try {
        document = (ObjectNode) json.readTree(n.path("document").asText("{}"));
      } catch (java.io.IOException | ClassCastException e) {
        throw new IllegalStateException("jobs state: job " + n.path("jobId").asText() + " has a broken document", e);
      }
      List<String> targets = new ArrayList<>();
      n.path("targets").forEach(t -> targets.add(t.asText()));
      List<String> names = new ArrayList<>();
      n.path("thingNames").forEach(t -> names.add(t.asText()));
      JobRecord j = new JobRecord(n.path("jobId").asText(), n.path("jobArn").asText(), n.path("document").asText(),
          document, textOrNull(n, "description"), targets, names,
          n.hasNonNull("inProgressTimeoutInMinutes") ? n.get("inProgressTimeoutInMinutes").asInt() : null,
          Instant.ofEpochMilli(n.path("createdAt").asLong()), n.path("seq").asLong());
      j.status = JobStatus.valueOf(n.path("status").asText("IN_PROGRESS"));
      j.forceCanceled = n.path("forceCanceled").asBoolean();
      j.reasonCode = textOrNull(n, "reasonCode");
      j.comment = textOrNull(n, "comment");
      j.lastUpdatedAt = Instant.ofEpochMilli(n.path("lastUpdatedAt").asLong());
      j.completedAt = instant(n.get("completedAt"));
      jobs.put(j.jobId, j);
    }
    for (JsonNode n : root.path("executions")) {
      ExecutionRecord e = new ExecutionRecord(n.path("jobId").asText(), n.path("thingName").asText(),
          n.path("seq").asLong(), n.path("executionNumber").asLong(1), Instant.ofEpochMilli(n.path("queuedAt").asLong()));
      e.status = JobExecutionStatus.valueOf(n.path("status").asText());
      e.startedAt = instant(n.get("startedAt"));
      e.lastUpdatedAt = Instant.ofEpochMilli(n.path("lastUpdatedAt").asLong());
      e.versionNumber = n.path("versionNumber").asLong(1);
      e.forceCanceled = n.path("forceCanceled").asBoolean();
      e.stepDeadline = instant(n.get("stepDeadline"));
      e.inProgressDeadline = instant(n.get("inProgressDeadline"));
      n.path("statusDetails").fields().forEachRemaining(f -> e.statusDetails.put(f.getKey(), f.getValue().asText()));
      addExecution(e);
    }
  }

  private static Long millis(Instant t) {
    return t == null ? null : t.toEpochMilli();
  }

  private static Instant instant(JsonNode n) {
    return n == null || n.isNull() ? null : Instant.ofEpochMilli(n.asLong());
  }

  private static String textOrNull(JsonNode n, String field) {
    return n.hasNonNull(field) ? n.get(field).asText() : null;
  }
}
