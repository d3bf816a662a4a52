package dev.thingbridge.twin.things;

import java.util.Map;
import java.util.Objects;

/**
 * A thing in the registry, as AWS IoT's DescribeThing reports it.
 *
 * @param thingName the name (1-128 characters of {@code [a-zA-Z0-9:_-]})
 * @param thingId the immutable id AWS assigns (a UUID)
 * @param thingArn {@code arn:aws:iot:<region>:<account>:thing/<name>}
 * @param thingTypeName the thing type, or null; the twin does not model thing types and accepts any name
 * @param attributes the attributes, in insertion order
 * @param version starts at 1 and increases with each update
 */
public record Thing(
    String thingName, String thingId, String thingArn, String thingTypeName, Map<String, String> attributes,
    long version) {
  public Thing {
    Objects.requireNonNull(thingName, "thingName");
    Objects.requireNonNull(thingId, "thingId");
    Objects.requireNonNull(thingArn, "thingArn");
    attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
  }
}
