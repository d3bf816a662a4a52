package dev.thingbridge.twin.shadows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/** What a shadow request came to: an accepted document with its notifications, or a rejection. */
public sealed interface ShadowOutcome {
  /**
   * @param reply the accepted document (what {@code .../accepted} carries and HTTP answers)
   * @param notifications what else to publish ({@code /update/delta}, {@code /update/documents}), in order
   * @param changed whether the stored state changed (to be saved)
   */
  record Accepted(ObjectNode reply, List<Publication> notifications, boolean changed) implements ShadowOutcome {
    public Accepted {
      Objects.requireNonNull(reply, "reply");
      notifications = List.copyOf(notifications);
    }
  }

  /**
   * @param code the HTTP-style code
   * @param message the documented message
   * @param clientToken the request's token to echo, or null
   */
  record Rejected(int code, String message, String clientToken) implements ShadowOutcome {
    public Rejected {
      Objects.requireNonNull(message, "message");
    }

    /** The error document: {@code {"code", "message", "timestamp", "clientToken"}}. */
    public ObjectNode document(long timestamp) {
      ObjectNode doc = ShadowJson.object();
      doc.put("code", code);
      doc.put("message", message);
      doc.put("timestamp", timestamp);
      if (clientToken != null) {
        doc.put("clientToken", clientToken);
      }
      return doc;
    }
  }

  /** One notification: a topic and its document's JSON (written once, published as it is). */
  record Publication(String topic, byte[] payload) {
    public Publication {
      Objects.requireNonNull(topic, "topic");
      Objects.requireNonNull(payload, "payload");
    }

    /** The document parsed back (tests, and callers that want the tree). */
    public ObjectNode document() {
      try {
        return (ObjectNode) ShadowJson.parse(payload);
      } catch (ShadowJson.ParseException e) {
        throw new IllegalStateException("a notification's own JSON did not parse: " + e.getMessage(), e);
      }
    }
  }
}
