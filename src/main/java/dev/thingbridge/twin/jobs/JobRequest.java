package dev.thingbridge.twin.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What AWS IoT's CreateJob takes, for the twin: an inline document, thing ARNs as targets, a snapshot
 * target selection, an optional description and an optional in-progress timeout. Validation happens in
 * {@link JobsService#createJob} so that it fails with AWS's error types.
 *
 * @param jobId the job id
 * @param document the job document (JSON object text, at most 32 KiB)
 * @param targets thing ARNs
 * @param description the description, or null
 * @param targetSelection {@code SNAPSHOT} (the default) or null
 * @param inProgressTimeoutInMinutes 1-10080, or null for none
 */
public record JobRequest(
    String jobId,
    String document,
    List<String> targets,
    String description,
    String targetSelection,
    Integer inProgressTimeoutInMinutes) {
  public JobRequest {
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  /** A builder for a job with this id. */
  public static Builder builder(String jobId) {
    return new Builder(jobId);
  }

  /** Builds a {@link JobRequest}. */
  public static final class Builder {
    private final String jobId;
    private String document;
    private final List<String> targets = new ArrayList<>();
    private String description;
    private String targetSelection;
    private Integer inProgressTimeoutInMinutes;

    private Builder(String jobId) {
      this.jobId = Objects.requireNonNull(jobId, "jobId");
    }

    /** The job document, JSON object text. */
    public Builder document(String json) {
      this.document = json;
      return this;
    }

    /** Adds a target by thing ARN. */
    public Builder target(String thingArn) {
      targets.add(Objects.requireNonNull(thingArn));
      return this;
    }

    /** Adds targets by thing ARN. */
    public Builder targets(List<String> thingArns) {
      thingArns.forEach(this::target);
      return this;
    }

    public Builder description(String value) {
      this.description = value;
      return this;
    }

    public Builder targetSelection(String value) {
      this.targetSelection = value;
      return this;
    }

    /** {@code timeoutConfig.inProgressTimeoutInMinutes}. */
    public Builder inProgressTimeoutInMinutes(Integer value) {
      this.inProgressTimeoutInMinutes = value;
      return this;
    }

    public JobRequest build() {
      return new JobRequest(jobId, document, targets, description, targetSelection, inProgressTimeoutInMinutes);
    }
  }
}
