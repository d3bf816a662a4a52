package dev.thingbridge.shadows.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An {@code /update} request: {@code {"state":{"desired":…,"reported":…},"clientToken":…,"version":…}}. The cloud
 * merges the sections into the document; {@code null} values remove keys.
 *
 * @param desired the desired section, or null to leave desired alone
 * @param reported the reported section, or null to leave reported alone
 * @param clientToken echoed in the replies (at most 64 bytes), or null
 * @param version apply only if the document is at this version (optimistic locking, 409 otherwise), or null
 */
@JsonPropertyOrder({"state", "clientToken", "version"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ShadowUpdateRequest(
    @JsonProperty("desired") ObjectNode desired,
    @JsonProperty("reported") ObjectNode reported,
    String clientToken,
    Long version) {

  public ShadowUpdateRequest {
    if (desired == null && reported == null) {
      throw new IllegalArgumentException("an update needs a desired or a reported section");
    }
    if (clientToken != null && (clientToken.isEmpty() || clientToken.length() > 64)) {
      throw new IllegalArgumentException("clientToken must be 1-64 characters");
    }
    if (version != null && version < 0) {
      throw new IllegalArgumentException("version must not be negative: " + version);
    }
    desired = desired == null ? null : desired.deepCopy();
    reported = reported == null ? null : reported.deepCopy();
  }

  /** The {@code state} object as sent. */
  @JsonProperty("state")
  public ObjectNode state() {
    ObjectNode state = JsonNodeFactory.instance.objectNode();
    if (desired != null) {
      state.set("desired", desired.deepCopy());
    }
    if (reported != null) {
      state.set("reported", reported.deepCopy());
    }
    return state;
  }

  /** A copy with another token. */
  public ShadowUpdateRequest withClientToken(String token) {
    return new ShadowUpdateRequest(desired, reported, token, version);
  }

  /** A copy with another expected version (null for none). */
  public ShadowUpdateRequest withVersion(Long expected) {
    return new ShadowUpdateRequest(desired, reported, clientToken, expected);
  }
}
