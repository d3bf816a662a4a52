package dev.thingbridge.twin.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.store.Migration;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.store.StoreSchema;
import dev.thingbridge.twin.store.Table;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every job and execution of the twin, with AWS's pending-list order and persistence. Not thread-safe: the
 * twin's lock guards it.
 *
 * <p>Each thing's pending executions are kept sorted in AWS's order, so {@code $next}, start-next and the
 * notify lists cost as much as what they return, not as the whole queue. A status change must go through
 * {@link #move} (which re-sorts); every change marks its record, and {@link #flush} writes the marked rows.
 *
 * <p>Persistence: tables {@code jobs} (one row per job) and {@code job_executions} (one row per execution,
 * keyed by thing and job), with indexes for a thing's pending executions in queue order and for a job's
 * executions. {@code document} holds the record as JSON; the other columns are what the indexes need.
 */
final class JobsStore {
  /** IN_PROGRESS before QUEUED, then by queue time, then by creation. */
  static final Comparator<ExecutionRecord> PENDING_ORDER = Comparator
      .comparing((ExecutionRecord e) -> e.status == ExecutionStatus.IN_PROGRESS ? 0 : 1)
      .thenComparing(e -> e.queuedAt)
      .thenComparingLong(e -> e.seq);
  static final Table JOBS = Table.of("jobs", 1, "job_id", "seq", "status", "document");
  static final Table EXECUTIONS = Table.of("job_executions", 2, "thing_name", "job_id", "seq", "status",
      "queued_at", "document");
  public static final StoreSchema SCHEMA = StoreSchema.of("jobs", List.of(JOBS, EXECUTIONS), Migration.sql(
      "CREATE TABLE jobs (job_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, status TEXT NOT NULL,"
          + " document TEXT NOT NULL)",
      "CREATE TABLE job_executions (thing_name TEXT NOT NULL, job_id TEXT NOT NULL, seq INTEGER NOT NULL,"
          + " status TEXT NOT NULL, queued_at INTEGER NOT NULL, document TEXT NOT NULL,"
          + " PRIMARY KEY (thing_name, job_id))",
      "CREATE INDEX job_executions_pending ON job_executions (thing_name, queued_at, seq)"
          + " WHERE status IN ('QUEUED', 'IN_PROGRESS')",
      "CREATE INDEX job_executions_by_job ON job_executions (job_id)"));

  private final Map<String, JobRecord> jobs = new LinkedHashMap<>();
  private final Map<String, Map<String, ExecutionRecord>> byThing = new LinkedHashMap<>();
  /** Per thing, its pending executions in {@link #PENDING_ORDER}. */
  private final Map<String, NavigableSet<ExecutionRecord>> pendingByThing = new HashMap<>();
  /** Per thing, a counter bumped whenever its pending list gains, loses or re-sorts an execution. */
  private final Map<String, Long> pendingVersions = new HashMap<>();
  private final Set<JobRecord> dirtyJobs = new LinkedHashSet<>();
  private final Set<ExecutionRecord> dirtyExecutions = new LinkedHashSet<>();
  private final List<ExecutionRecord> removedExecutions = new ArrayList<>();
  private long nextSeq = 1;

  JobRecord job(String jobId) {
    return jobs.get(jobId);
  }

  Iterable<JobRecord> jobs() {
    return jobs.values();
  }

  void addJob(JobRecord job) {
    jobs.put(job.jobId, job);
    dirtyJobs.add(job);
  }

  long nextSeq() {
    return nextSeq++;
  }

  ExecutionRecord execution(String thingName, String jobId) {
    Map<String, ExecutionRecord> m = byThing.get(thingName);
    return m == null ? null : m.get(jobId);
  }

  void addExecution(ExecutionRecord e) {
    index(e);
    dirtyExecutions.add(e);
  }

  private void index(ExecutionRecord e) {
    byThing.computeIfAbsent(e.thingName, k -> new LinkedHashMap<>()).put(e.jobId, e);
    if (e.status.isPending()) {
      pendingByThing.computeIfAbsent(e.thingName, k -> new TreeSet<>(PENDING_ORDER)).add(e);
      pendingChanged(e.thingName);
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
    unlistPending(e);
    dirtyExecutions.remove(e);
    removedExecutions.add(e);
  }

  /** Moves an execution to a new status (version, times, timers, its place in the pending list). */
  void move(ExecutionRecord e, ExecutionStatus next, Instant now) {
    unlistPending(e);
    e.moveTo(next, now);
    if (e.status.isPending()) {
      pendingByThing.computeIfAbsent(e.thingName, k -> new TreeSet<>(PENDING_ORDER)).add(e);
      pendingChanged(e.thingName);
    }
    changed(e);
  }

  /** Marks an execution changed in place (progress, details, timers): its row is written at the next flush. */
  void changed(ExecutionRecord e) {
    dirtyExecutions.add(e);
  }

  /** Marks a job changed in place. */
  void changed(JobRecord j) {
    dirtyJobs.add(j);
  }

  private boolean unlistPending(ExecutionRecord e) {
    NavigableSet<ExecutionRecord> p = pendingByThing.get(e.thingName);
    if (p == null || !p.remove(e)) {
      return false;
    }
    if (p.isEmpty()) {
      pendingByThing.remove(e.thingName);
    }
    pendingChanged(e.thingName);
    return true;
  }

  private void pendingChanged(String thing) {
    pendingVersions.merge(thing, 1L, Long::sum);
  }

  /** A counter that changes whenever the thing's pending list gains, loses or re-sorts an execution. */
  long pendingVersion(String thingName) {
    return pendingVersions.getOrDefault(thingName, 0L);
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
    pendingByThing.values().forEach(set -> {
      for (ExecutionRecord e : set) {
        if (e.status != ExecutionStatus.IN_PROGRESS) {
          break;
        }
        if (e.deadline() != null) {
          out.add(e);
        }
      }
    });
    return out;
  }

  /** A thing's pending executions in AWS's order (IN_PROGRESS first, then by queue time); a read-only view. */
  Set<ExecutionRecord> pending(String thingName) {
    NavigableSet<ExecutionRecord> p = pendingByThing.get(thingName);
    return p == null ? Set.of() : Collections.unmodifiableSet(p);
  }

  /** What {@code $next} names: the first pending execution, or null. */
  ExecutionRecord next(String thingName) {
    NavigableSet<ExecutionRecord> p = pendingByThing.get(thingName);
    return p == null ? null : p.first();
  }

  /** Marks a job COMPLETED once none of its executions can run any more. */
  boolean completeIfDone(JobRecord job, Instant now) {
    if (job.status != JobStatus.IN_PROGRESS) {
      return false;
    }
    for (ExecutionRecord e : executionsOfJob(job)) {
      if (e.status.isPending()) {
        return false;
      }
    }
    job.status = JobStatus.COMPLETED;
    job.completedAt = now;
    job.lastUpdatedAt = now;
    changed(job);
    return true;
  }

  Job view(JobRecord j) {
    Map<ExecutionStatus, Integer> counts = new EnumMap<>(ExecutionStatus.class);
    for (ExecutionRecord e : executionsOfJob(j)) {
      counts.merge(e.status, 1, Integer::sum);
    }
    return new Job(j.jobId, j.jobArn, j.documentText, j.description, j.targets, "SNAPSHOT", j.status,
        j.forceCanceled, j.reasonCode, j.comment, j.createdAt, j.lastUpdatedAt, j.completedAt,
        j.inProgressTimeoutInMinutes, counts);
  }

  JobExecutionDescription view(ExecutionRecord e, String thingArn, Instant now) {
    return new JobExecutionDescription(e.jobId, e.thingName, thingArn, e.status, e.statusDetails, e.queuedAt, e.startedAt,
        e.lastUpdatedAt, e.versionNumber, e.executionNumber, e.forceCanceled, e.secondsBeforeTimedOut(now));
  }

  // ---- persistence -------------------------------------------------------------------------------

  /** Writes the rows of every record changed since the last flush. */
  void flush(TwinOutbox out, ObjectMapper json) {
    for (JobRecord j : dirtyJobs) {
      out.save(JOBS, j.jobId, j.seq, j.status.name(), text(jobJson(j, json), json));
    }
    for (ExecutionRecord e : removedExecutions) {
      out.delete(EXECUTIONS, e.thingName, e.jobId);
    }
    for (ExecutionRecord e : dirtyExecutions) {
      out.save(EXECUTIONS, e.thingName, e.jobId, e.seq, e.status.name(), e.queuedAt.toEpochMilli(),
          text(executionJson(e, json), json));
    }
    dirtyJobs.clear();
    removedExecutions.clear();
    dirtyExecutions.clear();
  }

  /** A row's JSON through the engine's mapper (a tree's toString() goes through a slower shared one). */
  private static String text(ObjectNode row, ObjectMapper json) {
    try {
      return json.writeValueAsString(row);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a job row could not be written as JSON", e);
    }
  }

  /** Marks every record changed (after an import, so that {@link #flush} writes them all). */
  void markAll() {
    dirtyJobs.addAll(jobs.values());
    byThing.values().forEach(m -> dirtyExecutions.addAll(m.values()));
  }

  /** Replaces the content with the rows of the two tables. */
  void load(StoreReader store, ObjectMapper json) {
    clear();
    store.query("SELECT job_id, document FROM jobs ORDER BY seq", row -> {
      JobRecord j = readJob(parse(json, row.text("document"), "job " + row.text("job_id")), json);
      jobs.put(j.jobId, j);
      nextSeq = Math.max(nextSeq, j.seq + 1);
    });
    store.query("SELECT thing_name, job_id, document FROM job_executions ORDER BY seq", row -> {
      ExecutionRecord e = readExecution(parse(json, row.text("document"),
          "execution " + row.text("job_id") + " of " + row.text("thing_name")));
      index(e);
      nextSeq = Math.max(nextSeq, e.seq + 1);
    });
    pendingVersions.clear();
  }

  private void clear() {
    jobs.clear();
    byThing.clear();
    pendingByThing.clear();
    pendingVersions.clear();
    dirtyJobs.clear();
    dirtyExecutions.clear();
    removedExecutions.clear();
    nextSeq = 1;
  }

  private static JsonNode parse(ObjectMapper json, String text, String what) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("jobs state: " + what + " is unreadable: " + e.getMessage(), e);
    }
  }

  JsonNode snapshot(ObjectMapper json) {
    ObjectNode root = json.createObjectNode();
    root.put("nextSeq", nextSeq);
    ArrayNode js = root.putArray("jobs");
    for (JobRecord j : jobs.values()) {
      js.add(jobJson(j, json));
    }
    ArrayNode xs = root.putArray("executions");
    byThing.values().forEach(m -> m.values().forEach(e -> xs.add(executionJson(e, json))));
    return root;
  }

  private static ObjectNode jobJson(JobRecord j, ObjectMapper json) {
    ObjectNode n = json.createObjectNode();
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
    return n;
  }

  private static ObjectNode executionJson(ExecutionRecord e, ObjectMapper json) {
    ObjectNode n = json.createObjectNode();
    n.put("jobId", e.jobId).put("thingName", e.thingName).put("seq", e.seq)
        .put("executionNumber", e.executionNumber).put("status", e.status.name())
        .put("queuedAt", e.queuedAt.toEpochMilli()).put("startedAt", millis(e.startedAt))
        .put("lastUpdatedAt", e.lastUpdatedAt.toEpochMilli()).put("versionNumber", e.versionNumber)
        .put("forceCanceled", e.forceCanceled).put("stepDeadline", millis(e.stepDeadline))
        .put("inProgressDeadline", millis(e.inProgressDeadline));
    ObjectNode d = n.putObject("statusDetails");
    e.statusDetails.forEach(d::put);
    return n;
  }

  void restore(JsonNode root, ObjectMapper json) {
    clear();
    nextSeq = root.path("nextSeq").asLong(1);
    for (JsonNode n : root.path("jobs")) {
      JobRecord j = readJob(n, json);
      jobs.put(j.jobId, j);
    }
    for (JsonNode n : root.path("executions")) {
      index(readExecution(n));
    }
  }

  private static JobRecord readJob(JsonNode n, ObjectMapper json) {
    ObjectNode document;
    try {
      document = (ObjectNode) json.readTree(n.path("document").asText("{}"));
    } catch (IOException | ClassCastException e) {
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
    return j;
  }

  private static ExecutionRecord readExecution(JsonNode n) {
    ExecutionRecord e = new ExecutionRecord(n.path("jobId").asText(), n.path("thingName").asText(),
        n.path("seq").asLong(), n.path("executionNumber").asLong(1), Instant.ofEpochMilli(n.path("queuedAt").asLong()));
    e.status = ExecutionStatus.valueOf(n.path("status").asText());
    e.startedAt = instant(n.get("startedAt"));
    e.lastUpdatedAt = Instant.ofEpochMilli(n.path("lastUpdatedAt").asLong());
    e.versionNumber = n.path("versionNumber").asLong(1);
    e.forceCanceled = n.path("forceCanceled").asBoolean();
    e.stepDeadline = instant(n.get("stepDeadline"));
    e.inProgressDeadline = instant(n.get("inProgressDeadline"));
    n.path("statusDetails").fields().forEachRemaining(f -> e.statusDetails.put(f.getKey(), f.getValue().asText()));
    return e;
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
