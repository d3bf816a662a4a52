package dev.thingbridge.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.thingbridge.jobs.model.JobExecution;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import dev.thingbridge.jobs.model.JobExecutionStatus;

/**
 * A job-handler registry: each job goes to the handler registered for the value of one field of its
 * document, {@code operation} by default (as the AWS managed job templates and the AWS IoT Device Client
 * use). Each handler brings its own document type. A job no handler claims is REJECTED with a reason, and
 * so is one whose document does not fit the claiming handler's type.
 *
 * <pre>{@code
 * JobHandlers handlers = JobHandlers.builder()
 *     .on("reboot", Reboot.class, job -> { reboot(job.document()); return JobOutcome.succeeded(); })
 *     .on("install", Install.class, installer)
 *     .build();
 * JobAgent<JsonNode> agent = JobAgent.builder(mqtt, JobDocumentType.JSON, handlers).build();
 * }</pre>
 */
public final class JobHandlers implements JobHandler<JsonNode> {
  /** The field AWS managed templates and the AWS IoT Device Client dispatch on. */
  public static final String DEFAULT_FIELD = "operation";

  private final String field;
  private final Map<String, Entry<?>> entries;
  private final JobHandler<JsonNode> fallback;

  private record Entry<T>(JobDocumentType<T> type, JobHandler<T> handler) {}

  private JobHandlers(Builder b) {
    this.field = b.field;
    this.entries = Map.copyOf(b.entries);
    this.fallback = b.fallback;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The value of the dispatch field in a document, if it is a string. */
  public Optional<String> keyOf(JsonNode document) {
    JsonNode v = document == null ? null : document.get(field);
    return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
  }

  @Override
  public JobOutcome run(ActiveJob<JsonNode> job) throws Exception {
    Optional<String> key = keyOf(job.document());
    if (key.isEmpty()) {
      return fallback != null ? fallback.run(job)
          : JobOutcome.rejected("the job document has no string field '" + field + "'");
    }
    Entry<?> entry = entries.get(key.get());
    if (entry == null) {
      return fallback != null ? fallback.run(job) : JobOutcome.rejected("no handler for " + field + " '" + key.get() + "'");
    }
    return runTyped(entry, job, false);
  }

  @Override
  public boolean canResume(ActiveJob<JsonNode> job) {
    Optional<String> key = keyOf(job.document());
    Entry<?> entry = key.map(entries::get).orElse(null);
    if (entry == null) {
      return fallback != null && fallback.canResume(job);
    }
    try {
      return runTyped(entry, job, true) != null;
    } catch (Exception e) {
      return false;
    }
  }

  private static <T> JobOutcome runTyped(Entry<T> entry, ActiveJob<JsonNode> job, boolean askResume) throws Exception {
    T doc;
    try {
      doc = entry.type().decode(job.document());
    } catch (JobDocumentException e) {
      return askResume ? null : JobOutcome.rejected("malformed job document: " + e.getMessage());
    }
    ActiveJob<T> typed = new Typed<>(job, doc);
    if (askResume) {
      return entry.handler().canResume(typed) ? JobOutcome.succeeded() : null;
    }
    return entry.handler().run(typed);
  }

  /** The same job seen through a handler's own document type. */
  private record Typed<T>(ActiveJob<JsonNode> job, T document) implements ActiveJob<T> {
    @Override
    public String jobId() {
      return job.jobId();
    }

    @Override
    public JobExecution execution() {
      return job.execution();
    }

    @Override
    public boolean resumed() {
      return job.resumed();
    }

    @Override
    public Optional<Instant> deadline() {
      return job.deadline();
    }

    @Override
    public CompletableFuture<JobExecutionStatus> cancellation() {
      return job.cancellation();
    }

    @Override
    public CompletableFuture<Void> reportProgress(Map<String, String> statusDetails) {
      return job.reportProgress(statusDetails);
    }

    @Override
    public CompletableFuture<Void> finish(JobOutcome outcome) {
      return job.finish(outcome);
    }
  }

  /** Builds {@link JobHandlers}. */
  public static final class Builder {
    private String field = DEFAULT_FIELD;
    private final Map<String, Entry<?>> entries = new LinkedHashMap<>();
    private JobHandler<JsonNode> fallback;

    private Builder() {}

    /** The document field to dispatch on (default {@code operation}). */
    public Builder field(String value) {
      this.field = Objects.requireNonNull(value);
      return this;
    }

    /** Registers the handler for documents whose field equals {@code key}. */
    public <T> Builder on(String key, Class<T> type, JobHandler<T> handler) {
      return on(key, JobDocumentType.of(type), handler);
    }

    public <T> Builder on(String key, JobDocumentType<T> type, JobHandler<T> handler) {
      Objects.requireNonNull(key, "key");
      if (entries.putIfAbsent(key, new Entry<>(type, Objects.requireNonNull(handler))) != null) {
        throw new IllegalArgumentException("a handler for '" + key + "' is already registered");
      }
      return this;
    }

    /** The handler for jobs no key claims (default: REJECTED with a reason). */
    public Builder otherwise(JobHandler<JsonNode> handler) {
      this.fallback = handler;
      return this;
    }

    public JobHandlers build() {
      return new JobHandlers(this);
    }
  }
}
