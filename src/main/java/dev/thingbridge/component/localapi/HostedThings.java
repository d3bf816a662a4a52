package dev.thingbridge.component.localapi;

import dev.thingbridge.sibling.LocalApiErrorCode;
import java.util.List;

/** The things the component speaks for: the gateway's, and those of the devices behind it. */
public interface HostedThings {
  /** The thing a request without {@code thing} is about: the gateway's. */
  String defaultThing();

  /** Every hosted thing. */
  List<String> things();

  /** The request's {@code thing} (default: the gateway's), checked to be hosted. */
  default String resolve(ApiCall call) {
    String thing = call.optionalText("thing").orElse(defaultThing());
    if (!things().contains(thing)) {
      throw new ApiException(LocalApiErrorCode.UNKNOWN_THING, "thing " + thing + " is not hosted by this component"
          + " (hosted: " + String.join(", ", things()) + ")");
    }
    return thing;
  }
}
