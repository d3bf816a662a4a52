package dev.thingbridge.commands;

import dev.thingbridge.mqtt.MqttException;

/** The Commands service rejected a status update; {@link #code()} says why. */
public class CommandException extends MqttException {
  private final CommandErrorCode code;
  private final String deviceId;
  private final String topic;
  private final String executionId;
  private final transient CommandRejection rejection;

  public CommandException(String deviceId, String topic, String executionId, CommandRejection rejection) {
    super("command update on " + topic + " rejected: " + (rejection.rawCode() == null ? "no code" : rejection.rawCode())
        + (rejection.message() == null ? "" : " (" + rejection.message() + ")"));
    this.code = rejection.code();
    this.deviceId = deviceId;
    this.topic = topic;
    this.executionId = executionId;
    this.rejection = rejection;
  }

  public CommandErrorCode code() {
    return code;
  }

  public String deviceId() {
    return deviceId;
  }

  public String topic() {
    return topic;
  }

  public String executionId() {
    return executionId;
  }

  public CommandRejection rejection() {
    return rejection;
  }
}
