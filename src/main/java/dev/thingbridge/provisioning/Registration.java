package dev.thingbridge.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The outcome of RegisterThing as a {@link CredentialStore} records it.
 *
 * @param thingName the thing the template created or found
 * @param certificateId the certificate now attached to it
 * @param deviceConfiguration the template's {@code DeviceConfiguration}, as received (null when absent)
 */
public record Registration(String thingName, String certificateId, JsonNode deviceConfiguration) {
  public Registration {
    Objects.requireNonNull(thingName, "thingName");
    Objects.requireNonNull(certificateId, "certificateId");
  }
}
