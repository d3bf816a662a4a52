package dev.thingbridge.twin.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.mqtt.AwsNames;
import dev.thingbridge.twin.TwinOutbox;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.store.StoreReader;
import dev.thingbridge.twin.things.ThingRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The jobs state machine: what each control-plane call and each timer does to jobs and executions, and the
 * notifications every change causes. Callers hold the twin lock and {@link #flush} the changed rows after
 * each operation.
 */
final class JobsEngine {
  static final int MAX_DOCUMENT_BYTES = 32 * 1024;
  static final int MAX_TIMEOUT_MINUTES = 10080;
  private static final Pattern REASON_CODE = Pattern.compile("[\\p{Upper}\\p{Digit}_]{1,128}");

  final JobsStore store = new JobsStore();
  final ThingRegistry registry;
  final JobsSettings settings;
  final ObjectMapper json;
  final JobsWire wire;

  public JobsEngine(ThingRegistry registry, JobsSettings settings, ObjectMapper json) {
    this.registry = registry;
    this.settings = settings;
    this.json = json;
    this.wire = new JobsWire(json);
  }

  PendingChanges changes() {
    return new PendingChanges(store);
  }

  boolean publish(PendingChanges changes, Instant now, TwinOutbox out) {
    return changes.publish(wire, settings.notifyListLimit(), now, out);
  }

  // ---- control plane -----------------------------------------------------------------------------

  /** CreateJob. */
  public Job createJob(JobRequest req, Instant now, TwinOutbox out) {
    if (!AwsNames.isJobId(req.jobId())) {
      throw AwsApiException.invalidRequest("jobId must be 1-64 characters of [a-zA-Z0-9_-]");
    }
    if (store.job(req.jobId()) != null) {
      throw new AwsApiException(409, "ResourceAlreadyExistsException", "Job " + req.jobId() + " already exists.");
    }
    ObjectNode document = parseDocument(req.document());
    if (req.targetSelection() != null && !req.targetSelection().equals("SNAPSHOT")) {
      throw AwsApiException.invalidRequest("targetSelection " + req.targetSelection()
          + " is not supported by the twin (it models no thing groups); use SNAPSHOT");
    }
    Integer timeout = req.inProgressTimeoutInMinutes();
    if (timeout != null && (timeout < 1 || timeout > MAX_TIMEOUT_MINUTES)) {
      throw AwsApiException.invalidRequest("inProgressTimeoutInMinutes must be between 1 and " + MAX_TIMEOUT_MINUTES);
    }
    if (req.description() != null && req.description().length() > 2028) {
      throw AwsApiException.invalidRequest("description is longer than 2028 characters");
    }
    List<String> things = resolveTargets(req.targets());
    JobRecord job = new JobRecord(req.jobId(), registry.arn("job/" + req.jobId()), req.document(), document,
        req.description(), req.targets(), things, timeout, now, store.nextSeq());
    store.addJob(job);
    PendingChanges changes = changes();
    for (String thing : things) {
      changes.watch(thing);
      store.addExecution(new ExecutionRecord(job.jobId, thing, store.nextSeq(), 1, now));
    }
    publish(changes, now, out);
    return store.view(job);
  }

  /** DescribeJob. */
  public Job describeJob(String jobId) {
    return store.view(job(jobId));
  }

  /** GetJobDocument. */
  public String jobDocument(String jobId) {
    return job(jobId).documentText;
  }

  /** CancelJob: QUEUED executions become CANCELED, IN_PROGRESS ones too with {@code force}. */
  public Job cancelJob(String jobId, boolean force, String reasonCode, String comment, Instant now, TwinOutbox out) {
    JobRecord job = job(jobId);
    if (reasonCode != null && !REASON_CODE.matcher(reasonCode).matches()) {
      throw AwsApiException.invalidRequest("reasonCode must be 1-128 characters of [A-Z0-9_]");
    }
    if (comment != null && (comment.length() > 2028 || comment.codePoints().anyMatch(Character::isISOControl))) {
      throw AwsApiException.invalidRequest("comment must be at most 2028 characters without control characters");
    }
    if (job.status == JobStatus.COMPLETED) {
      throw AwsApiException.invalidRequest("Job " + jobId + " is COMPLETED and cannot be canceled.");
    }
    job.status = JobStatus.CANCELED;
    store.changed(job);
    job.forceCanceled |= force;
    if (reasonCode != null) {
      job.reasonCode = reasonCode;
    }
    if (comment != null) {
      job.comment = comment;
    }
    job.lastUpdatedAt = now;
    PendingChanges changes = changes();
    for (ExecutionRecord e : store.executionsOfJob(job)) {
      if (e.status == ExecutionStatus.QUEUED || (force && e.status == ExecutionStatus.IN_PROGRESS)) {
        changes.watch(e.thingName);
        e.forceCanceled = e.status == ExecutionStatus.IN_PROGRESS;
        store.move(e, ExecutionStatus.CANCELED, now);
      }
    }
    publish(changes, now, out);
    return store.view(job);
  }

  /** CancelJobExecution. */
  public JobExecutionDescription cancelJobExecution(String thingName, String jobId, boolean force, Long expectedVersion,
      Map<String, String> statusDetails, Instant now, TwinOutbox out) {
    ExecutionRecord e = executionForApi(thingName, jobId, null);
    if (e.status.isTerminal()) {
      throw new AwsApiException(409, "InvalidStateTransitionException",
          "Job execution " + jobId + " on " + thingName + " is " + e.status + " and cannot be canceled.");
    }
    if (e.status == ExecutionStatus.IN_PROGRESS && !force) {
      throw new AwsApiException(409, "InvalidStateTransitionException",
          "Job execution " + jobId + " on " + thingName + " is IN_PROGRESS; cancel it with force.");
    }
    if (expectedVersion != null && expectedVersion != e.versionNumber) {
      throw AwsApiException.conflict("expectedVersion " + expectedVersion + " does not match " + e.versionNumber);
    }
    PendingChanges changes = changes();
    changes.watch(thingName);
    if (statusDetails != null) {
      e.statusDetails = new java.util.LinkedHashMap<>(statusDetails);
    }
    e.forceCanceled = e.status == ExecutionStatus.IN_PROGRESS;
    store.move(e, ExecutionStatus.CANCELED, now);
    store.completeIfDone(store.job(jobId), now);
    publish(changes, now, out);
    return store.view(e, registry.thingArn(thingName), now);
  }

  /** DeleteJobExecution: a pending execution only with {@code force}. */
  public void deleteJobExecution(String thingName, String jobId, long executionNumber, boolean force, Instant now,
      TwinOutbox out) {
    ExecutionRecord e = executionForApi(thingName, jobId, executionNumber);
    if (e.status.isPending() && !force) {
      throw new AwsApiException(409, "InvalidStateTransitionException", "Job execution " + jobId + " on "
          + thingName + " is " + e.status + "; only terminal executions are deleted without force.");
    }
    PendingChanges changes = changes();
    changes.watch(thingName);
    store.removeExecution(e);
    store.completeIfDone(store.job(jobId), now);
    publish(changes, now, out);
  }

  /** DescribeJobExecution. */
  public JobExecutionDescription describeJobExecution(String thingName, String jobId, Long executionNumber, Instant now) {
    return store.view(executionForApi(thingName, jobId, executionNumber), registry.thingArn(thingName), now);
  }

  /** ListJobExecutionsForThing, before paging. */
  public List<JobExecutionDescription> executionsOfThing(String thingName, ExecutionStatus status, Instant now) {
    ThingRegistry.requireValidName(thingName);
    List<JobExecutionDescription> out = new ArrayList<>();
    for (ExecutionRecord e : store.executionsOfThing(thingName)) {
      if (status == null || e.status == status) {
        out.add(store.view(e, registry.thingArn(thingName), now));
      }
    }
    return out;
  }

  /** ListJobExecutionsForJob, before paging. */
  public List<JobExecutionDescription> executionsOfJob(String jobId, ExecutionStatus status, Instant now) {
    List<JobExecutionDescription> out = new ArrayList<>();
    for (ExecutionRecord e : store.executionsOfJob(job(jobId))) {
      if (status == null || e.status == status) {
        out.add(store.view(e, registry.thingArn(e.thingName), now));
      }
    }
    return out;
  }

  // ---- time ---------------------------------------------------------------------------------------

  /** Ends executions whose step or in-progress timer ran out (TIMED_OUT). */
  public boolean tick(Instant now, TwinOutbox out) {
    PendingChanges changes = changes();
    boolean changed = false;
    for (ExecutionRecord e : store.timed()) {
      if (!e.deadline().isAfter(now)) {
        changes.watch(e.thingName);
        store.move(e, ExecutionStatus.TIMED_OUT, now);
        store.completeIfDone(store.job(e.jobId), now);
        changed = true;
      }
    }
    publish(changes, now, out);
    return changed;
  }

  /** Starts an execution's timers as it goes IN_PROGRESS. */
  void startTimers(ExecutionRecord e, Integer stepMinutes, Instant now) {
    JobRecord job = store.job(e.jobId);
    if (e.inProgressDeadline == null && job.inProgressTimeoutInMinutes != null && e.startedAt != null) {
      e.inProgressDeadline = e.startedAt.plus(Duration.ofMinutes(job.inProgressTimeoutInMinutes));
    }
    if (stepMinutes != null) {
      e.stepDeadline = stepMinutes == -1 ? null : now.plus(Duration.ofMinutes(stepMinutes));
    }
    store.changed(e);
  }

  // ---- helpers ------------------------------------------------------------------------------------

  private JobRecord job(String jobId) {
    JobRecord job = store.job(jobId);
    if (job == null) {
      throw AwsApiException.notFound("Job " + jobId + " cannot be found.");
    }
    return job;
  }

  private ExecutionRecord executionForApi(String thingName, String jobId, Long executionNumber) {
    ExecutionRecord e = store.execution(thingName, jobId);
    if (e == null || (executionNumber != null && executionNumber != e.executionNumber)) {
      throw AwsApiException.notFound("Job execution " + jobId + " for thing " + thingName
          + (executionNumber == null ? "" : " with execution number " + executionNumber) + " cannot be found.");
    }
    return e;
  }

  private ObjectNode parseDocument(String document) {
    if (document == null) {
      throw AwsApiException.invalidRequest("A job needs a document (documentSource is not supported by the twin)");
    }
    if (document.getBytes(StandardCharsets.UTF_8).length > MAX_DOCUMENT_BYTES) {
      throw AwsApiException.invalidRequest("The job document is larger than " + MAX_DOCUMENT_BYTES + " bytes");
    }
    JsonNode node;
    try {
      node = json.readTree(document);
    } catch (IOException e) {
      throw AwsApiException.invalidRequest("The job document is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw AwsApiException.invalidRequest("The job document must be a JSON object");
    }
    return (ObjectNode) node;
  }

  private List<String> resolveTargets(List<String> targets) {
    if (targets.isEmpty()) {
      throw AwsApiException.invalidRequest("A job needs at least one target");
    }
    Set<String> names = new LinkedHashSet<>();
    for (String arn : targets) {
      String name = registry.thingNameOf(arn).orElseThrow(() -> AwsApiException.invalidRequest(
          arn.contains(":thinggroup/") ? "Thing group targets are not supported by the twin: " + arn
              : "Invalid target " + arn + " (expected " + registry.thingArn("<thingName>") + ")"));
      if (registry.find(name).isEmpty()) {
        throw AwsApiException.notFound("Thing " + name + " cannot be found (target " + arn + ").");
      }
      names.add(name);
    }
    return new ArrayList<>(names);
  }

  // ---- persistence -------------------------------------------------------------------------------

  /** Writes the rows of every job and execution changed since the last flush. */
  public void flush(TwinOutbox out) {
    store.flush(out, json);
  }

  /** Replaces the state with the rows of the jobs tables. */
  public void load(StoreReader reader) {
    store.load(reader, json);
  }

  /** Restores an older version's {@code jobs.json} and writes every row. */
  public void importJson(JsonNode snapshot, TwinOutbox out) {
    store.restore(snapshot, json);
    store.markAll();
    store.flush(out, json);
  }

  /** The state in the format of older versions' {@code jobs.json}. */
  public JsonNode snapshot() {
    return store.snapshot(json);
  }
}
