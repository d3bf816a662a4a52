package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Jobs: a sibling claims a job kind (the document's {@code operation}) on a thing, and the thingbridge component
 * hands it every execution of that kind. Each runs once in a {@link JobWorker} (an execution handed over again,
 * after a reconnect, is not run twice); its result is reported with {@code jobs/finish}, tried again until the
 * component answers.
 */
public final class Jobs {
  private static final System.Logger LOG = System.getLogger(Jobs.class.getName());
  private static final int REMEMBERED = 256;
  private static final int FINISH_ATTEMPTS = 10;

  private final ThingBridgeClient client;
  private final Map<String, JobWorker> workers = new ConcurrentHashMap<>();
  /** Executions this client took, by thing/jobId: running (no result yet) or finished (its result). */
  private final Map<String, Run> runs = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Run> eldest) {
      return size() > REMEMBERED;
    }
  };

  private static final class Run {
    final SiblingJob job;
    volatile JobResult result;

    Run(SiblingJob job) {
      this.job = job;
    }
  }

  Jobs(ThingBridgeClient client) {
    this.client = client;
  }

  /**
   * Claims {@code operation} jobs on {@code thing} (null: the gateway's). Completes once claimed; fails with
   * CONFLICT when another component holds the claim. Executions waiting for this sibling start at once.
   */
  public CompletableFuture<Registration> claim(String thing, String operation, JobWorker worker) {
    ObjectNode b = ThingBridgeClient.body(thing).put("operation", operation);
    workers.put(operation, ThingBridgeClient.require(worker, "worker"));
    return client.renewals().take("jobs", "claim", "release", b, answer -> {
      for (JsonNode e : answer.path("executions")) {
        onExecution((ObjectNode) e);
      }
    });
  }

  void onExecution(ObjectNode event) {
    String key = event.path("thing").asText() + "/" + event.path("jobId").asText();
    JobWorker worker = workers.get(event.path("operation").asText());
    if (worker == null) {
      return;
    }
    Run run;
    synchronized (runs) {
      Run known = runs.get(key);
      if (known != null) {
        if (known.result != null) {
          finish(known, 1); // handed over again: our result never arrived
        }
        return;
      }
      run = new Run(new SiblingJob(client, event));
      runs.put(key, run);
    }
    try {
      client.workers().execute(() -> {
        JobResult result;
        try {
          result = worker.run(run.job);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          result = JobResult.failed("interrupted");
        } catch (Exception e) {
          result = JobResult.failed(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        }
        if (run.job.isCancelled()) {
          return;
        }
        run.result = result;
        finish(run, 1);
      });
    } catch (RejectedExecutionException closing) {
      // the client is closing
    }
  }

  void onCancelled(ObjectNode event) {
    synchronized (runs) {
      Run run = runs.get(event.path("thing").asText() + "/" + event.path("jobId").asText());
      if (run != null) {
        run.job.cancel();
      }
    }
  }

  private void finish(Run run, int attempt) {
    ObjectNode b = ThingBridgeClient.body(run.job.thing()).put("jobId", run.job.jobId())
        .put("status", run.result.status());
    b.set("statusDetails", SiblingJob.details(run.result.statusDetails()));
    client.call("jobs", "finish", b).whenComplete((r, e) -> {
      if (e == null) {
        return;
      }
      LocalApiErrorCode code = e instanceof LocalApiException l ? l.code() : LocalApiErrorCode.INTERNAL;
      if (code == LocalApiErrorCode.NOT_FOUND || code == LocalApiErrorCode.CONFLICT
          || code == LocalApiErrorCode.BAD_REQUEST || attempt >= FINISH_ATTEMPTS) {
        LOG.log(System.Logger.Level.WARNING, "thingbridge sibling: job " + run.job.jobId() + " not finished: "
            + e.getMessage());
        return;
      }
      long delay = Math.min(30_000, 1000L << Math.min(attempt, 5));
      try {
        client.connection().scheduler().schedule(() -> finish(run, attempt + 1), delay, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // closed
      }
    });
  }
}
