package dev.thingbridge.twin.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.thingbridge.twin.http.ApiJson;
import dev.thingbridge.twin.http.ApiRequest;
import dev.thingbridge.twin.http.ApiResponse;
import dev.thingbridge.twin.http.AwsApiException;
import dev.thingbridge.twin.http.Paging;
import dev.thingbridge.twin.http.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The jobs control plane as HTTP routes with the paths, fields and errors of the AWS IoT API (restJson). */
final class JobsRoutes {
  private static final String JOB = "/jobs/(?<jobId>[^/]+)";
  private static final String THING_JOBS = "/things/(?<thingName>[^/]+)/jobs";
  /** CreateJob fields whose behaviour the twin does not model; refused rather than silently ignored. */
  private static final List<String> UNSUPPORTED = List.of("documentSource", "jobTemplateArn", "namespaceId",
      "documentParameters", "schedulingConfig", "jobExecutionsRetryConfig", "abortConfig",
      "destinationPackageVersions");

  private final JobsService jobs;

  private JobsRoutes(JobsService jobs) {
    this.jobs = jobs;
  }

  public static List<Route> of(JobsService jobs) {
    JobsRoutes r = new JobsRoutes(jobs);
    return List.of(
        Route.of("CreateJob", "PUT", JOB, r::createJob),
        Route.of("DescribeJob", "GET", JOB, req -> ApiJson.ok(describeJob(jobs.describeJob(req.pathParam("jobId"))))),
        Route.of("GetJobDocument", "GET", JOB + "/job-document", r::jobDocument),
        Route.of("CancelJob", "PUT", JOB + "/cancel", r::cancelJob),
        Route.of("ListJobExecutionsForJob", "GET", JOB + "/things", r::listForJob),
        Route.of("ListJobExecutionsForThing", "GET", THING_JOBS, r::listForThing),
        Route.of("DescribeJobExecution", "GET", THING_JOBS + "/(?<jobId>[^/]+)", r::describeExecution),
        Route.of("CancelJobExecution", "PUT", THING_JOBS + "/(?<jobId>[^/]+)/cancel", r::cancelExecution),
        Route.of("DeleteJobExecution", "DELETE",
            THING_JOBS + "/(?<jobId>[^/]+)/executionNumber/(?<executionNumber>[^/]+)", r::deleteExecution));
  }

  private ApiResponse createJob(ApiRequest req) {
    ObjectNode body = ApiJson.body(req);
    for (String field : UNSUPPORTED) {
      if (body.hasNonNull(field)) {
        throw AwsApiException.invalidRequest(field + " is not supported by the twin");
      }
    }
    List<String> targets = new ArrayList<>();
    JsonNode t = body.get("targets");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        throw AwsApiException.invalidRequest("targets must be a list of ARNs");
      }
      for (JsonNode n : t) {
        if (!n.isTextual()) {
          throw AwsApiException.invalidRequest("targets must be a list of ARNs");
        }
        targets.add(n.asText());
      }
    }
    Integer timeout = null;
    JsonNode tc = body.path("timeoutConfig").get("inProgressTimeoutInMinutes");
    if (tc != null && !tc.isNull()) {
      if (!tc.isIntegralNumber() || !tc.canConvertToInt()) {
        throw AwsApiException.invalidRequest("timeoutConfig.inProgressTimeoutInMinutes must be an integer");
      }
      timeout = tc.asInt();
    }
    Job job = jobs.createJob(new JobRequest(req.pathParam("jobId"), ApiJson.text(body, "document"), targets,
        ApiJson.text(body, "description"), ApiJson.text(body, "targetSelection"), timeout));
    return ApiJson.ok(jobRef(job));
  }

  private ApiResponse jobDocument(ApiRequest req) {
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    out.put("document", jobs.jobDocument(req.pathParam("jobId")));
    return ApiJson.ok(out);
  }

  private ApiResponse cancelJob(ApiRequest req) {
    ObjectNode body = ApiJson.body(req);
    Job job = jobs.cancelJob(req.pathParam("jobId"), ApiJson.boolParam(req, "force"),
        ApiJson.text(body, "reasonCode"), ApiJson.text(body, "comment"));
    return ApiJson.ok(jobRef(job));
  }

  private ApiResponse cancelExecution(ApiRequest req) {
    ObjectNode body = ApiJson.body(req);
    Long expected = null;
    JsonNode v = body.get("expectedVersion");
    if (v != null && !v.isNull()) {
      if (!v.isIntegralNumber()) {
        throw AwsApiException.invalidRequest("expectedVersion must be an integer");
      }
      expected = v.asLong();
    }
    Map<String, String> details = null;
    JsonNode d = body.get("statusDetails");
    if (d != null && !d.isNull()) {
      try {
        details = StatusDetails.parse(d);
      } catch (IllegalArgumentException e) {
        throw AwsApiException.invalidRequest(e.getMessage());
      }
    }
    jobs.cancelJobExecution(req.pathParam("thingName"), req.pathParam("jobId"), ApiJson.boolParam(req, "force"),
        expected, details);
    return ApiJson.ok(ApiJson.MAPPER.createObjectNode());
  }

  private ApiResponse deleteExecution(ApiRequest req) {
    long executionNumber = longParam("executionNumber", req.pathParam("executionNumber"));
    jobs.deleteJobExecution(req.pathParam("thingName"), req.pathParam("jobId"), executionNumber,
        ApiJson.boolParam(req, "force"));
    return ApiJson.ok(ApiJson.MAPPER.createObjectNode());
  }

  private ApiResponse describeExecution(ApiRequest req) {
    Long executionNumber = req.queryParam("executionNumber").map(s -> longParam("executionNumber", s)).orElse(null);
    JobExecutionDescription e = jobs.describeJobExecution(req.pathParam("thingName"), req.pathParam("jobId"), executionNumber);
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    ObjectNode n = out.putObject("execution");
    n.put("jobId", e.jobId()).put("status", e.status().name()).put("forceCanceled", e.forceCanceled());
    ObjectNode details = n.putObject("statusDetails").putObject("detailsMap");
    e.statusDetails().forEach(details::put);
    n.put("thingArn", e.thingArn());
    putTimes(n, e);
    n.put("executionNumber", e.executionNumber()).put("versionNumber", e.versionNumber());
    if (e.approximateSecondsBeforeTimedOut() != null) {
      n.put("approximateSecondsBeforeTimedOut", e.approximateSecondsBeforeTimedOut());
    }
    return ApiJson.ok(out);
  }

  private ApiResponse listForThing(ApiRequest req) {
    JobExecutionPage page = jobs.listJobExecutionsForThing(req.pathParam("thingName"), status(req),
        Paging.intParam("maxResults", req.queryParam("maxResults").orElse(null)),
        req.queryParam("nextToken").orElse(null));
    return executionSummaries(page, "jobId", JobExecutionDescription::jobId);
  }

  private ApiResponse listForJob(ApiRequest req) {
    JobExecutionPage page = jobs.listJobExecutionsForJob(req.pathParam("jobId"), status(req),
        Paging.intParam("maxResults", req.queryParam("maxResults").orElse(null)),
        req.queryParam("nextToken").orElse(null));
    return executionSummaries(page, "thingArn", JobExecutionDescription::thingArn);
  }

  /** A page of execution summaries, each named by {@code key} (the job for a thing, the thing for a job). */
  private ApiResponse executionSummaries(JobExecutionPage page, String key,
      java.util.function.Function<JobExecutionDescription, String> keyValue) {
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    ArrayNode list = out.putArray("executionSummaries");
    for (JobExecutionDescription e : page.executions()) {
      ObjectNode n = list.addObject();
      n.put(key, keyValue.apply(e));
      n.set("jobExecutionSummary", summary(e));
    }
    if (page.nextToken() != null) {
      out.put("nextToken", page.nextToken());
    }
    return ApiJson.ok(out);
  }

  static ObjectNode describeJob(Job j) {
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    ObjectNode n = out.putObject("job");
    n.put("jobArn", j.jobArn()).put("jobId", j.jobId()).put("targetSelection", j.targetSelection())
        .put("status", j.status().name()).put("forceCanceled", j.forceCanceled());
    if (j.reasonCode() != null) {
      n.put("reasonCode", j.reasonCode());
    }
    if (j.comment() != null) {
      n.put("comment", j.comment());
    }
    ArrayNode targets = n.putArray("targets");
    j.targets().forEach(targets::add);
    if (j.description() != null) {
      n.put("description", j.description());
    }
    n.put("createdAt", ApiJson.epochSeconds(j.createdAt())).put("lastUpdatedAt", ApiJson.epochSeconds(j.lastUpdatedAt()));
    if (j.completedAt() != null) {
      n.put("completedAt", ApiJson.epochSeconds(j.completedAt()));
    }
    ObjectNode p = n.putObject("jobProcessDetails");
    ArrayNode processing = p.putArray("processingTargets");
    if (j.status() == dev.thingbridge.twin.jobs.JobStatus.IN_PROGRESS) {
      j.targets().forEach(processing::add);
    }
    Map<ExecutionStatus, Integer> c = j.executionCounts();
    p.put("numberOfCanceledThings", c.get(ExecutionStatus.CANCELED))
        .put("numberOfSucceededThings", c.get(ExecutionStatus.SUCCEEDED))
        .put("numberOfFailedThings", c.get(ExecutionStatus.FAILED))
        .put("numberOfRejectedThings", c.get(ExecutionStatus.REJECTED))
        .put("numberOfQueuedThings", c.get(ExecutionStatus.QUEUED))
        .put("numberOfInProgressThings", c.get(ExecutionStatus.IN_PROGRESS))
        .put("numberOfRemovedThings", c.get(ExecutionStatus.REMOVED))
        .put("numberOfTimedOutThings", c.get(ExecutionStatus.TIMED_OUT));
    if (j.inProgressTimeoutInMinutes() != null) {
      n.putObject("timeoutConfig").put("inProgressTimeoutInMinutes", j.inProgressTimeoutInMinutes().longValue());
    }
    n.put("isConcurrent", false);
    return out;
  }

  private static ObjectNode jobRef(Job job) {
    ObjectNode out = ApiJson.MAPPER.createObjectNode();
    out.put("jobArn", job.jobArn()).put("jobId", job.jobId());
    if (job.description() != null) {
      out.put("description", job.description());
    }
    return out;
  }

  private static ObjectNode summary(JobExecutionDescription e) {
    ObjectNode s = ApiJson.MAPPER.createObjectNode();
    s.put("status", e.status().name());
    putTimes(s, e);
    s.put("executionNumber", e.executionNumber()).put("retryAttempt", 0);
    return s;
  }

  private static void putTimes(ObjectNode n, JobExecutionDescription e) {
    n.put("queuedAt", ApiJson.epochSeconds(e.queuedAt()));
    if (e.startedAt() != null) {
      n.put("startedAt", ApiJson.epochSeconds(e.startedAt()));
    }
    n.put("lastUpdatedAt", ApiJson.epochSeconds(e.lastUpdatedAt()));
  }

  private static ExecutionStatus status(ApiRequest req) {
    String raw = req.queryParam("status").orElse(null);
    if (raw == null) {
      return null;
    }
    ExecutionStatus s = ExecutionStatus.parse(raw);
    if (s == null) {
      throw AwsApiException.invalidRequest("status " + raw + " is not a job execution status");
    }
    return s;
  }

  private static long longParam(String name, String raw) {
    try {
      return Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw AwsApiException.invalidRequest(name + " must be an integer, got '" + raw + "'");
    }
  }
}
