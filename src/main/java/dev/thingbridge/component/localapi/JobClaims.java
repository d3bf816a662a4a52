package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.jobs.ActiveJob;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import dev.thingbridge.sibling.LocalApiErrorCode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job kinds claimed by sibling components, and the executions handed to them. A sibling claims a job kind (the
 * document's {@code operation}) on a thing; each execution of that kind is pushed to it as a {@code
 * job.execution} event; the sibling reports progress and the outcome with {@code jobs/progress} and {@code
 * jobs/finish}. The hosted job agent's handler thread waits in {@link #run} meanwhile.
 *
 * <p>Nothing is lost across a lost connection on either side: every renewal of the claim (the client renews every
 * third of the lease, and at once after a reconnect) answers with the executions still waiting for that sibling,
 * and a {@code finish} sent twice is answered from the first. An execution whose claimant stops renewing fails
 * after its lease lapsed; a cancellation in the cloud is pushed as {@code job.cancelled}.
 */
public final class JobClaims {
  private static final Logger log = LoggerFactory.getLogger(JobClaims.class);
  private static final long POLL_MS = 100;

  private record Kind(String thing, String operation) {}

  private record Ref(String thing, String jobId) {}

  /** One execution handed to a sibling. */
  private static final class Pending {
    final String thing;
    final ActiveJob<JsonNode> job;
    final String operation;
    final String holder;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile CompletableFuture<Void> finishing;

    Pending(String thing, ActiveJob<JsonNode> job, String operation, String holder) {
      this.thing = thing;
      this.job = job;
      this.operation = operation;
      this.holder = holder;
    }
  }

  private final Leases<Kind> claims;
  private final Duration lease;
  private final Map<Ref, Pending> pending = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, ObjectNode> events = (c, e) -> {};

  /**
   * @param lease how long a claim lasts without renewal
   */
  public JobClaims(Duration lease) {
    this(lease, new Leases<>());
  }

  JobClaims(Duration lease, Leases<Kind> leases) {
    this.lease = Objects.requireNonNull(lease, "lease");
    this.claims = leases;
  }

  /** Where events to siblings go (the local API server's {@link EventSender}). */
  public void pushEventsTo(BiConsumer<String, ObjectNode> sender) {
    this.events = Objects.requireNonNull(sender, "sender");
  }

  /** The lease of a claim. */
  public Duration lease() {
    return lease;
  }

  /** Who claims {@code operation} jobs on {@code thing} right now. */
  public Optional<String> holder(String thing, String operation) {
    return claims.holder(new Kind(thing, operation));
  }

  /** Waits up to {@code wait} for someone to claim {@code operation} on {@code thing}. */
  public Optional<String> awaitHolder(String thing, String operation, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Optional<String> h = holder(thing, operation);
      if (h.isPresent() || System.nanoTime() - deadline >= 0) {
        return h;
      }
      Thread.sleep(POLL_MS);
    }
  }

  /**
   * Hands a job to its claimant and waits until the claimant has finished it (the outcome is then already
   * reported: the return value is not), the job was cancelled in the cloud, the claim lapsed or the job's deadline
   * passed.
   */
  public JobOutcome run(String thing, ActiveJob<JsonNode> job, String operation, String holder)
      throws InterruptedException {
    Ref ref = new Ref(thing, job.jobId());
    Pending p = new Pending(thing, job, operation, holder);
    pending.put(ref, p);
    try {
      events.accept(holder, executionEvent(p));
      job.cancellation().thenAccept(status -> events.accept(holder, JsonNodeFactory.instance.objectNode()
          .put("type", "job.cancelled").put("stream", "jobs").put("thing", ref.thing).put("jobId", job.jobId())
          .put("status", status.name())));
      Instant deadline = job.deadline().orElse(null);
      long lapsedSince = 0;
      while (true) {
        try {
          p.done.get(POLL_MS * 5, TimeUnit.MILLISECONDS);
          return JobOutcome.succeeded(); // finish() has reported the real outcome
        } catch (TimeoutException stillRunning) {
          // check the claim, the deadline and the cancellation below
        } catch (ExecutionException impossible) {
          return JobOutcome.failed("internal: " + impossible.getCause());
        }
        if (job.isCancelled()) {
          return JobOutcome.failed("canceled");
        }
        if (deadline != null && Instant.now().isAfter(deadline)) {
          return JobOutcome.failed("component " + holder + " did not finish the job before its deadline");
        }
        if (!holder.equals(holder(ref.thing, operation).orElse(null))) {
          if (lapsedSince == 0) {
            lapsedSince = System.nanoTime();
          } else if (System.nanoTime() - lapsedSince > lease.toNanos() / 3) {
            log.warn("jobs: {} stopped renewing its claim on {} jobs; job {} fails", holder, operation, job.jobId());
            return JobOutcome.failed("component " + holder + " stopped renewing its claim on '" + operation + "'");
          }
        } else {
          lapsedSince = 0;
        }
      }
    } finally {
      if (p.finishing != null) {
        try {
          p.finishing.get(lease.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // the agent reports again later
        }
      }
      pending.remove(ref, p);
    }
  }

  // ---- the local API's operations ----

  /** {@code jobs/claim}: claims or renews; answers with the lease and the executions waiting for the caller. */
  public ObjectNode claim(String caller, String thing, String operation) {
    Optional<String> other = claims.claim(new Kind(thing, operation), caller, lease);
    if (other.isPresent()) {
      throw ApiException.conflict("'" + operation + "' jobs on " + thing + " are claimed by " + other.get());
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("thing", thing).put("operation", operation).put("leaseSeconds", lease.toSeconds());
    ArrayNode executions = out.putArray("executions");
    pending.forEach((ref, p) -> {
      if (ref.thing.equals(thing) && p.operation.equals(operation) && p.holder.equals(caller) && p.finishing == null) {
        executions.add(executionEvent(p));
      }
    });
    return out;
  }

  /** {@code jobs/release}. */
  public ObjectNode release(String caller, String thing, String operation) {
    boolean released = claims.release(new Kind(thing, operation), caller);
    return JsonNodeFactory.instance.objectNode().put("released", released);
  }

  /** {@code jobs/progress}: an IN_PROGRESS update with statusDetails. */
  public CompletableFuture<JsonNode> progress(String caller, String thing, String jobId, Map<String, String> details) {
    Pending p = owned(caller, thing, jobId);
    return p.job.reportProgress(details).thenApply(v -> JsonNodeFactory.instance.objectNode().put("jobId", jobId));
  }

  /** {@code jobs/finish}: reports the outcome; a second call answers like the first. */
  public CompletableFuture<JsonNode> finish(String caller, String thing, String jobId, JobOutcome outcome) {
    Pending p = owned(caller, thing, jobId);
    CompletableFuture<Void> f;
    synchronized (p) {
      if (p.finishing == null) {
        log.info("jobs: {} finished job {} on {}: {}", caller, jobId, thing, outcome.status());
        p.finishing = p.job.finish(outcome);
        p.finishing.whenComplete((v, e) -> p.done.complete(null));
      }
      f = p.finishing;
    }
    return f.thenApply(v -> JsonNodeFactory.instance.objectNode().put("jobId", jobId)
        .put("status", outcome.status().name()));
  }

  private Pending owned(String caller, String thing, String jobId) {
    Pending p = pending.get(new Ref(thing, jobId));
    if (p == null) {
      throw new ApiException(LocalApiErrorCode.NOT_FOUND, "no job " + jobId + " on " + thing
          + " is waiting for a component (finished, canceled, or never handed over)");
    }
    if (!p.holder.equals(caller)) {
      throw ApiException.conflict("job " + jobId + " was handed to " + p.holder + ", not to " + caller);
    }
    return p;
  }

  private static ObjectNode executionEvent(Pending p) {
    ActiveJob<JsonNode> job = p.job;
    ObjectNode e = JsonNodeFactory.instance.objectNode();
    e.put("type", "job.execution").put("stream", "jobs").put("thing", p.thing).put("jobId", job.jobId())
        .put("operation", p.operation).put("executionNumber", job.execution().execution())
        .put("resumed", job.resumed());
    job.deadline().ifPresent(d -> e.put("deadline", d.toString()));
    e.set("document", job.document() == null ? JsonNodeFactory.instance.objectNode() : job.document().deepCopy());
    if (job.execution().status() == JobExecutionStatus.IN_PROGRESS && !job.execution().statusDetails().isEmpty()) {
      ObjectNode details = e.putObject("statusDetails");
      job.execution().statusDetails().forEach(details::put);
    }
    return e;
  }

  /** After the component's link to its siblings came back: every claim gets a full lease to be renewed in. */
  public void reconnected() {
    claims.extendAll(lease);
  }
}
