package dev.thingbridge.provisioning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The RegisterThing request: the ownership token of the new certificate and the template's parameters (a
 * flat map of strings). {@link #toString()} hides the token.
 *
 * @param ownershipToken the token from the create step
 * @param parameters the template parameters in insertion order; empty means none (the member is left out)
 */
public record RegisterThingRequest(String ownershipToken, Map<String, String> parameters) {
  public RegisterThingRequest {
    Objects.requireNonNull(ownershipToken, "ownershipToken");
    Map<String, String> copy = new LinkedHashMap<>();
    parameters.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "parameter name"),
        Objects.requireNonNull(v, () -> "value of parameter " + k)));
    parameters = Collections.unmodifiableMap(copy);
  }

  @Override
  public String toString() {
    return "RegisterThingRequest[ownershipToken=(hidden), parameters=" + parameters + "]";
  }
}
