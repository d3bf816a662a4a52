package dev.thingbridge.sibling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/** A command execution the thingbridge component handed to this sibling. */
public final class SiblingCommand {
  private final ObjectNode event;

  SiblingCommand(ObjectNode event) {
    this.event = event;
  }

  public String thing() {
    return event.path("thing").asText();
  }

  public String executionId() {
    return event.path("executionId").asText();
  }

  /** The command's name (what this sibling claimed). */
  public String name() {
    return event.path("name").asText();
  }

  /** The payload, decoded (JSON and CBOR commands); a missing node for any other content type. */
  public JsonNode payload() {
    return event.path("payload");
  }

  /** The payload bytes of a command that is neither JSON nor CBOR. */
  public Optional<byte[]> rawPayload() {
    JsonNode b = event.get("payloadBase64");
    return b == null ? Optional.empty() : Optional.of(Base64.getDecoder().decode(b.asText()));
  }

  /** How long the cloud waits for the answer, if it said. */
  public Optional<Duration> timeout() {
    JsonNode t = event.get("timeoutSeconds");
    return t == null ? Optional.empty() : Optional.of(Duration.ofSeconds(t.asLong()));
  }
}
