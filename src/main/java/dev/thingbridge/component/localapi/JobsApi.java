package dev.thingbridge.component.localapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.jobs.JobOutcome;
import dev.thingbridge.jobs.model.JobExecutionStatus;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The {@code jobs} service: {@code claim} a job kind (the document's {@code operation}) on a thing, {@code
 * release} it, {@code progress} and {@code finish} the executions handed over. See {@link JobClaims}.
 */
public final class JobsApi implements ApiService {
  private final HostedThings things;
  private final JobClaims claims;
  private final BooleanSupplier enabled;

  public JobsApi(HostedThings things, JobClaims claims, BooleanSupplier enabled) {
    this.things = Objects.requireNonNull(things, "things");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.enabled = Objects.requireNonNull(enabled, "enabled");
  }

  @Override
  public String name() {
    return "jobs";
  }

  @Override
  public Set<String> operations() {
    return Set.of("claim", "release", "progress", "finish");
  }

  @Override
  public CompletableFuture<JsonNode> handle(ApiCall call) {
    if (!enabled.getAsBoolean()) {
      throw ApiException.notEnabled("jobs are turned off (jobs.enabled)");
    }
    String thing = things.resolve(call);
    return switch (call.operation()) {
      case "claim" -> done(claims.claim(call.caller(), thing, call.text("operation")));
      case "release" -> done(claims.release(call.caller(), thing, call.text("operation")));
      case "progress" -> claims.progress(call.caller(), thing, call.text("jobId"), details(call));
      case "finish" -> claims.finish(call.caller(), thing, call.text("jobId"), outcome(call));
      default -> throw new IllegalStateException(call.operation());
    };
  }

  private static java.util.Map<String, String> details(ApiCall call) {
    try {
      return dev.thingbridge.jobs.model.JobLimits.checkStatusDetails(call.stringMap("statusDetails"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("statusDetails: " + e.getMessage());
    }
  }

  private static JobOutcome outcome(ApiCall call) {
    String status = call.text("status");
    JobExecutionStatus s;
    try {
      s = JobExecutionStatus.valueOf(status);
    } catch (IllegalArgumentException e) {
      s = null;
    }
    if (s != JobExecutionStatus.SUCCEEDED && s != JobExecutionStatus.FAILED && s != JobExecutionStatus.REJECTED) {
      throw ApiException.badRequest("'status' must be SUCCEEDED, FAILED or REJECTED, not " + status);
    }
    return new JobOutcome(s, details(call));
  }

  static CompletableFuture<JsonNode> done(JsonNode value) {
    return CompletableFuture.completedFuture(value);
  }
}
