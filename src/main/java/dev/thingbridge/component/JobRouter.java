package dev.thingbridge.component;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.component.localapi.JobClaims;
import dev.thingbridge.jobs.ActiveJob;
import dev.thingbridge.jobs.JobHandler;
import dev.thingbridge.jobs.JobHandlers;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.ProcessJobHandler;
import dev.thingbridge.jobs.model.JobLimits;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a hosted thing's jobs go, by the document's {@code operation}: to the sibling component that claimed that
 * job kind; else to the executable of that name in the handler directory ({@code jobs.handlerDir}, as {@code jobs
 * handle} runs it); else, after waiting {@code jobs.claimWaitSeconds} for a sibling to claim it (siblings may start
 * after the component), REJECTED with the reason.
 */
final class JobRouter implements JobHandler<JsonNode> {
  private static final JobHandlers FIELD = JobHandlers.builder().build();

  private final String thing;
  private final JobClaims claims;
  private final ProcessJobHandler executables;
  private final Duration claimWait;

  /**
   * @param executables the handler directory's executables, or null without one
   */
  JobRouter(String thing, JobClaims claims, ProcessJobHandler executables, Duration claimWait) {
    this.thing = thing;
    this.claims = claims;
    this.executables = executables;
    this.claimWait = claimWait;
  }

  @Override
  public JobOutcome run(ActiveJob<JsonNode> job) throws Exception {
    Optional<String> operation = FIELD.keyOf(job.document());
    if (operation.isEmpty()) {
      return JobOutcome.rejected("the job document has no string field 'operation'");
    }
    String op = operation.get();
    Optional<String> holder = claims.holder(thing, op);
    if (holder.isPresent()) {
      return claims.run(thing, job, op, holder.get());
    }
    if (executables != null && executables.handles(op)) {
      return executables.run(job);
    }
    holder = claims.awaitHolder(thing, op, claimWait);
    if (holder.isPresent()) {
      return claims.run(thing, job, op, holder.get());
    }
    return JobOutcome.rejected("no handler for operation '" + JobLimits.toDetailValue(op) + "': no executable in "
        + "jobs.handlerDir and no component claimed it within " + claimWait.toSeconds() + " s");
  }

  @Override
  public boolean canResume(ActiveJob<JsonNode> job) {
    // A sibling gets the execution again (marked resumed); an executable learns it from THINGBRIDGE_JOB_RESUMED.
    return true;
  }
}
