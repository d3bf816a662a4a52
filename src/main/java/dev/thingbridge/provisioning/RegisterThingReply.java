package dev.thingbridge.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The accepted reply of RegisterThing.
 *
 * @param thingName the thing's name
 * @param deviceConfiguration the template's {@code DeviceConfiguration} object, null when the reply has none
 */
public record RegisterThingReply(String thingName, JsonNode deviceConfiguration) {
  public RegisterThingReply {
    Objects.requireNonNull(thingName, "thingName");
  }
}
