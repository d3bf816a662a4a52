package dev.thingbridge.jobs;

import dev.thingbridge.jobs.model.JobExecutionState;
import dev.thingbridge.mqtt.MqttException;
import java.util.Optional;

/**
 * The Jobs service rejected a request. Carries the AWS error code as a typed value, and where it happened:
 * the thing, the request topic and the clientToken. {@link JobErrorCode#VERSION_MISMATCH} means an update
 * was stale ({@code expectedVersion} did not match); {@link #executionState()} then holds the current state.
 */
public class JobException extends MqttException {
  private final JobErrorCode code;
  private final String thingName;
  private final String topic;
  private final String clientToken;
  private final transient JobErrorResponse error;

  public JobException(String thingName, String topic, String clientToken, JobErrorResponse error) {
    super("jobs request on " + topic + " rejected: " + error.code().wire()
        + (error.message().isEmpty() ? "" : " (" + error.message() + ")"));
    this.code = error.code();
    this.thingName = thingName;
    this.topic = topic;
    this.clientToken = clientToken;
    this.error = error;
  }

  public JobErrorCode code() {
    return code;
  }

  public String thingName() {
    return thingName;
  }

  public String topic() {
    return topic;
  }

  public String clientToken() {
    return clientToken;
  }

  /** The rejected reply as decoded. */
  public JobErrorResponse error() {
    return error;
  }

  /** The execution's current state, sent with VersionMismatch and InvalidStateTransition. */
  public Optional<JobExecutionState> executionState() {
    return Optional.ofNullable(error.executionState());
  }
}
