package dev.thingbridge.jobs.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.Objects;

/**
 * UpdateJobExecution, published to {@code $aws/things/{thing}/jobs/{jobId}/update}. Only {@code status} is
 * required; absent options are not sent. Build one with {@link #builder(JobExecutionStatus)}.
 *
 * @param expectedVersion when set, the service applies the update only if the execution's current version
 *     equals it, else rejects it with {@code VersionMismatch}
 * @param stepTimeoutInMinutes 1-10080, or -1 to clear a step timer set earlier
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"executionNumber", "expectedVersion", "includeJobDocument", "includeJobExecutionState",
    "status", "statusDetails", "stepTimeoutInMinutes", "clientToken"})
public record UpdateJobExecutionRequest(
    Long executionNumber,
    Long expectedVersion,
    Boolean includeJobDocument,
    Boolean includeJobExecutionState,
    JobExecutionStatus status,
    Map<String, String> statusDetails,
    Integer stepTimeoutInMinutes,
    String clientToken) {

  public UpdateJobExecutionRequest {
    Objects.requireNonNull(status, "status");
    if (status != JobExecutionStatus.IN_PROGRESS && status != JobExecutionStatus.SUCCEEDED && status != JobExecutionStatus.FAILED
        && status != JobExecutionStatus.REJECTED) {
      throw new IllegalArgumentException(
          "a device may set IN_PROGRESS, SUCCEEDED, FAILED or REJECTED, not " + status);
    }
    statusDetails = statusDetails == null ? null : JobLimits.checkStatusDetails(statusDetails);
    if (stepTimeoutInMinutes != null && stepTimeoutInMinutes != -1
        && (stepTimeoutInMinutes < 1 || stepTimeoutInMinutes > 10_080)) {
      throw new IllegalArgumentException("stepTimeoutInMinutes must be 1..10080 or -1: " + stepTimeoutInMinutes);
    }
    if (executionNumber != null && executionNumber < 1) {
      throw new IllegalArgumentException("executionNumber must be positive: " + executionNumber);
    }
    if (expectedVersion != null && expectedVersion < 0) {
      throw new IllegalArgumentException("expectedVersion must not be negative: " + expectedVersion);
    }
    JobLimits.checkClientToken(clientToken);
  }

  public static Builder builder(JobExecutionStatus status) {
    return new Builder(status);
  }

  public Builder toBuilder() {
    Builder b = new Builder(status);
    b.executionNumber = executionNumber;
    b.expectedVersion = expectedVersion;
    b.includeJobDocument = includeJobDocument;
    b.includeJobExecutionState = includeJobExecutionState;
    b.statusDetails = statusDetails;
    b.stepTimeoutInMinutes = stepTimeoutInMinutes;
    b.clientToken = clientToken;
    return b;
  }

  public UpdateJobExecutionRequest withClientToken(String token) {
    return toBuilder().clientToken(token).build();
  }

  /** Builds an {@link UpdateJobExecutionRequest}. */
  public static final class Builder {
    private final JobExecutionStatus status;
    private Long executionNumber;
    private Long expectedVersion;
    private Boolean includeJobDocument;
    private Boolean includeJobExecutionState;
    private Map<String, String> statusDetails;
    private Integer stepTimeoutInMinutes;
    private String clientToken;

    private Builder(JobExecutionStatus status) {
      this.status = status;
    }

    public Builder executionNumber(Long value) {
      this.executionNumber = value;
      return this;
    }

    public Builder expectedVersion(Long value) {
      this.expectedVersion = value;
      return this;
    }

    public Builder includeJobDocument(Boolean value) {
      this.includeJobDocument = value;
      return this;
    }

    public Builder includeJobExecutionState(Boolean value) {
      this.includeJobExecutionState = value;
      return this;
    }

    public Builder statusDetails(Map<String, String> value) {
      this.statusDetails = value;
      return this;
    }

    public Builder stepTimeoutInMinutes(Integer value) {
      this.stepTimeoutInMinutes = value;
      return this;
    }

    public Builder clientToken(String value) {
      this.clientToken = value;
      return this;
    }

    public UpdateJobExecutionRequest build() {
      return new UpdateJobExecutionRequest(executionNumber, expectedVersion, includeJobDocument,
          includeJobExecutionState, status, statusDetails, stepTimeoutInMinutes, clientToken);
    }
  }
}
