package dev.thingbridge.twin.commands;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What CreateCommand defines: a reusable command whose payload is sent, unchanged, to every device an
 * execution targets.
 *
 * @param commandId 1-64 characters of {@code [a-zA-Z0-9_-]}
 * @param namespace {@code AWS-IoT} (the only namespace the twin serves)
 * @param displayName a name for consoles, or null
 * @param description free text, or null
 * @param payload the payload bytes sent to devices (copied)
 * @param contentType the payload's MIME type, or null; decides the request topic's suffix
 * @param mandatoryParameters parameters every execution must have a value for
 * @param roleArn an IAM role ARN, or null (kept, not used)
 */
public record CommandSpec(
    String commandId,
    String namespace,
    String displayName,
    String description,
    byte[] payload,
    String contentType,
    List<CommandParameter> mandatoryParameters,
    String roleArn) {
  /** The namespace of AWS IoT Device Management commands. */
  public static final String NAMESPACE_AWS_IOT = "AWS-IoT";

  public CommandSpec {
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(payload, "payload");
    payload = payload.clone();
    mandatoryParameters = List.copyOf(mandatoryParameters);
  }

  /** A builder for a command with this id, namespace {@code AWS-IoT} and an empty payload. */
  public static Builder builder(String commandId) {
    return new Builder(commandId);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CommandSpec c && commandId.equals(c.commandId) && namespace.equals(c.namespace)
        && Objects.equals(displayName, c.displayName) && Objects.equals(description, c.description)
        && Arrays.equals(payload, c.payload) && Objects.equals(contentType, c.contentType)
        && mandatoryParameters.equals(c.mandatoryParameters) && Objects.equals(roleArn, c.roleArn);
  }

  @Override
  public int hashCode() {
    return Objects.hash(commandId, namespace, displayName, description, Arrays.hashCode(payload), contentType,
        mandatoryParameters, roleArn);
  }

  @Override
  public String toString() {
    return "CommandSpec[" + commandId + ", " + namespace + ", " + payload.length + " bytes"
        + (contentType == null ? "" : ", " + contentType) + "]";
  }

  /** Builds a {@link CommandSpec}. */
  public static final class Builder {
    private final String commandId;
    private String namespace = NAMESPACE_AWS_IOT;
    private String displayName;
    private String description;
    private byte[] payload = new byte[0];
    private String contentType;
    private List<CommandParameter> mandatoryParameters = List.of();
    private String roleArn;

    private Builder(String commandId) {
      this.commandId = commandId;
    }

    public Builder namespace(String value) {
      this.namespace = value;
      return this;
    }

    public Builder displayName(String value) {
      this.displayName = value;
      return this;
    }

    public Builder description(String value) {
      this.description = value;
      return this;
    }

    /** The payload and its content type (null for none). */
    public Builder payload(byte[] content, String type) {
      this.payload = content.clone();
      this.contentType = type;
      return this;
    }

    public Builder mandatoryParameters(List<CommandParameter> value) {
      this.mandatoryParameters = List.copyOf(value);
      return this;
    }

    public Builder roleArn(String value) {
      this.roleArn = value;
      return this;
    }

    public CommandSpec build() {
      return new CommandSpec(commandId, namespace, displayName, description, payload, contentType,
          mandatoryParameters, roleArn);
    }
  }
}
