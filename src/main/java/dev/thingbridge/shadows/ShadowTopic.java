package dev.thingbridge.shadows;

import java.util.Objects;
import java.util.Optional;

/**
 * A parsed Device Shadow topic: whose shadow it is and which message it carries.
 *
 * @param thingName the thing
 * @param shadowName the named shadow, or null for the classic shadow
 * @param kind what the topic carries
 */
public record ShadowTopic(String thingName, String shadowName, Kind kind) {
  /** The shadow topics, by the suffix after {@code .../shadow[/name/{n}]}. */
  public enum Kind {
    GET("get"), GET_ACCEPTED("get/accepted"), GET_REJECTED("get/rejected"),
    UPDATE("update"), UPDATE_ACCEPTED("update/accepted"), UPDATE_REJECTED("update/rejected"),
    UPDATE_DELTA("update/delta"), UPDATE_DOCUMENTS("update/documents"),
    DELETE("delete"), DELETE_ACCEPTED("delete/accepted"), DELETE_REJECTED("delete/rejected");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    /** The topic suffix, such as {@code update/delta}. */
    public String suffix() {
      return suffix;
    }

    /** Whether the device publishes this topic (a request) rather than receives it. */
    public boolean isRequest() {
      return this == GET || this == UPDATE || this == DELETE;
    }

    static Optional<Kind> ofSuffix(String suffix) {
      for (Kind k : values()) {
        if (k.suffix.equals(suffix)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  public ShadowTopic {
    Objects.requireNonNull(thingName, "thingName");
    Objects.requireNonNull(kind, "kind");
  }

  /** Whether this is a topic of a named shadow. */
  public boolean isNamed() {
    return shadowName != null;
  }
}
